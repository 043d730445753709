"""``format_responses``: the text of a send's responses, for logs."""

from __future__ import annotations

from typing import Any

from openedx_events.utils import format_responses


def on_event(**kwargs: Any) -> str:
    return "done"


def test_receivers_are_named_by_their_dotted_path() -> None:
    text = format_responses([(on_event, "done")])
    assert f"{__name__}.on_event" in text
    assert "'done'" in text


def test_an_exception_response_shows_its_traceback() -> None:
    try:
        raise ValueError("receiver broke")
    except ValueError as error:
        caught = error
    text = format_responses([(on_event, caught)], width=200)
    assert "Traceback (most recent call last)" in text
    assert "ValueError: receiver broke" in text
    assert "test_an_exception_response_shows_its_traceback" in text


def test_depth_limits_nesting_as_pprint_does() -> None:
    assert format_responses([[[1]]], depth=1) == "[[...]]"
