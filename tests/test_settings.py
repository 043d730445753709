"""Settings come from configure(), then the environment, then defaults (Django: tests/django)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openedx_events import configure, get_setting
from openedx_events._private.metadata import event_source
from openedx_events._private.settings import derived_setting, reset_configuration


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No service name from the outside, and no configure() left behind."""
    monkeypatch.delenv("EVENTS_SERVICE_NAME", raising=False)
    monkeypatch.delenv("SERVICE_VARIANT", raising=False)
    reset_configuration()
    yield
    reset_configuration()


def test_the_default_is_returned_when_no_source_has_the_setting() -> None:
    """get_setting falls back to the caller's default."""
    assert get_setting("EVENTS_TEST_UNSET", "fallback") == "fallback"
    assert get_setting("EVENTS_TEST_UNSET") is None


def test_an_environment_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain string is returned as is."""
    monkeypatch.setenv("EVENTS_TEST_NAME", "lms")
    assert get_setting("EVENTS_TEST_NAME") == "lms"


def test_json_environment_values_are_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dicts, lists and JSON literals arrive as Python values."""
    monkeypatch.setenv("EVENTS_TEST_DICT", '{"a": {"b": [1, 2]}}')
    monkeypatch.setenv("EVENTS_TEST_LIST", "[1, 2]")
    monkeypatch.setenv("EVENTS_TEST_FLAG", "true")
    assert get_setting("EVENTS_TEST_DICT") == {"a": {"b": [1, 2]}}
    assert get_setting("EVENTS_TEST_LIST") == [1, 2]
    assert get_setting("EVENTS_TEST_FLAG") is True


def test_configure_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """configure() is consulted before environment variables, until reset."""
    monkeypatch.setenv("EVENTS_TEST_NAME", "from-env")
    configure(EVENTS_TEST_NAME="from-configure")
    assert get_setting("EVENTS_TEST_NAME") == "from-configure"
    reset_configuration()
    assert get_setting("EVENTS_TEST_NAME") == "from-env"


def test_source_without_a_service_name_is_unset() -> None:
    """openedx/SERVICE_NAME_UNSET/web when nothing names the service."""
    assert event_source() == "openedx/SERVICE_NAME_UNSET/web"


def test_source_follows_environment_changes_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cached source is recomputed when either variable changes, in either order."""
    assert event_source() == "openedx/SERVICE_NAME_UNSET/web"
    monkeypatch.setenv("SERVICE_VARIANT", "lms")
    assert event_source() == "openedx/lms/web"
    monkeypatch.setenv("EVENTS_SERVICE_NAME", "discovery")
    assert event_source() == "openedx/discovery/web"
    monkeypatch.setenv("EVENTS_SERVICE_NAME", "credentials")
    assert event_source() == "openedx/credentials/web"
    monkeypatch.delenv("EVENTS_SERVICE_NAME")
    assert event_source() == "openedx/lms/web"


def test_source_follows_configure(monkeypatch: pytest.MonkeyPatch) -> None:
    """configure() and reset_configuration() are seen by the next event."""
    monkeypatch.setenv("EVENTS_SERVICE_NAME", "lms")
    assert event_source() == "openedx/lms/web"
    configure(EVENTS_SERVICE_NAME="cms")
    assert event_source() == "openedx/cms/web"
    configure(EVENTS_SERVICE_NAME="")
    configure(SERVICE_VARIANT="studio")
    assert event_source() == "openedx/studio/web"
    reset_configuration()
    assert event_source() == "openedx/lms/web"


def test_a_derived_setting_is_computed_once_while_nothing_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The compute function runs again only after a watched setting changed."""
    runs: list[str] = []

    def compute() -> str:
        value = str(get_setting("EVENTS_TEST_WATCHED", "none"))
        runs.append(value)
        return value

    current = derived_setting(compute, ("EVENTS_TEST_WATCHED",))
    assert [current(), current(), current()] == ["none"] * 3
    assert runs == ["none"]
    monkeypatch.setenv("EVENTS_TEST_WATCHED", "one")
    assert [current(), current()] == ["one", "one"]
    assert runs == ["none", "one"]


def test_a_failing_compute_is_retried() -> None:
    """An exception is not cached: the next call computes again."""
    attempts: list[int] = []

    def compute() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("settings not ready")
        return 7

    current = derived_setting(compute, ("EVENTS_TEST_WATCHED",))
    with pytest.raises(RuntimeError):
        current()
    assert current() == 7


def test_a_derived_setting_watches_one_or_two_variables() -> None:
    """More than two (or none) is refused up front."""
    with pytest.raises(ValueError, match="one or two"):
        derived_setting(lambda: 1, ())
    with pytest.raises(ValueError, match="one or two"):
        derived_setting(lambda: 1, ("A", "B", "C"))
