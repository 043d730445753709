"""The registry finds signals by event type and suggests close types for unknown ones."""

from __future__ import annotations

import subprocess
import sys

import attrs
import pytest

from openedx_events import SignalRegistry, UnknownEventTypeError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals


@attrs.frozen
class Note:
    text: str


def test_all_events_lists_the_whole_catalog_once_loaded() -> None:
    """75 signals, each with a distinct event type."""
    load_all_signals()
    events = OpenEdxPublicSignal.all_events()
    assert len(events) == 75
    assert len({signal.event_type for signal in events}) == 75
    assert COURSE_ENROLLMENT_CREATED in events


def test_get_signal_by_type_returns_the_signal_object() -> None:
    """The very object the catalog module defines."""
    found = OpenEdxPublicSignal.get_signal_by_type(
        "org.openedx.learning.course.enrollment.created.v1"
    )
    assert found is COURSE_ENROLLMENT_CREATED


def test_an_unknown_type_names_itself_and_suggests_close_types() -> None:
    """UnknownEventTypeError (a KeyError) names the type and the nearest known ones."""
    typo = "org.openedx.learning.course.enrolment.created.v1"
    with pytest.raises(UnknownEventTypeError) as caught:
        OpenEdxPublicSignal.get_signal_by_type(typo)
    error = caught.value
    assert isinstance(error, KeyError)
    assert error.event_type == typo
    assert "org.openedx.learning.course.enrollment.created.v1" in error.suggestions
    assert typo in str(error)
    assert "Did you mean" in str(error)


def test_a_far_off_type_gets_no_suggestion() -> None:
    """Nothing close: the message says so without a 'Did you mean'."""
    with pytest.raises(UnknownEventTypeError) as caught:
        OpenEdxPublicSignal.get_signal_by_type("com.example.nothing")
    assert caught.value.suggestions == []
    assert "Did you mean" not in str(caught.value)


def test_get_signal_by_type_loads_the_catalog_on_demand() -> None:
    """In a fresh process, looking up a type imports the catalog module that defines it."""
    code = (
        "from openedx_events.tooling import OpenEdxPublicSignal\n"
        "signal = OpenEdxPublicSignal.get_signal_by_type("
        "'org.openedx.content_authoring.xblock.published.v1')\n"
        "print(signal.signal_name, len(OpenEdxPublicSignal.all_events()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["XBLOCK_PUBLISHED", "75"]


def test_a_private_registry_keeps_its_signals_apart() -> None:
    """Signals made with registry= are not in the default registry, and can be removed."""
    registry = SignalRegistry()
    signal = OpenEdxPublicSignal(
        "org.openedx.test.note.v1", {"note": Note}, aliases=("org.openedx.test.memo.v1",),
        registry=registry,
    )  # fmt: skip
    assert registry.get("org.openedx.test.note.v1") is signal
    assert registry.get("org.openedx.test.memo.v1") is signal
    assert "org.openedx.test.memo.v1" in registry
    assert len(registry) == 1
    assert signal not in OpenEdxPublicSignal.all_events()
    registry.unregister(signal)
    assert "org.openedx.test.note.v1" not in registry
    assert "org.openedx.test.memo.v1" not in registry


def test_suggestions_follow_the_signals_registered_since_the_last_lookup() -> None:
    """Close matches are remembered per unknown type, but never outlive a registration."""
    registry = SignalRegistry()
    typo = "org.openedx.test.nots.v1"
    with pytest.raises(UnknownEventTypeError) as before:
        registry.get(typo)
    assert before.value.suggestions == []
    signal = OpenEdxPublicSignal("org.openedx.test.note.v1", {"note": Note}, registry=registry)
    with pytest.raises(UnknownEventTypeError) as after:
        registry.get(typo)
    assert after.value.suggestions == ["org.openedx.test.note.v1"]
    registry.unregister(signal)
    with pytest.raises(UnknownEventTypeError) as gone:
        registry.get(typo)
    assert gone.value.suggestions == []
