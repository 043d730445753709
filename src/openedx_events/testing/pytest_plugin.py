"""pytest plugin: capture Open edX events, isolate them, and fail on broken receivers.

Loaded automatically (a ``pytest11`` entry point) wherever this package is installed; it
needs no Django. It offers:

* the ``captured_events`` fixture: an :class:`~openedx_events.testing.EventCapture` of every
  event the test dispatches (type, metadata and data);
* strict mode, in which a receiver's exception propagates from ``send_event`` (and so fails
  the test) instead of being logged and swallowed: for one test with the
  ``openedx_events_strict`` marker or the ``strict_openedx_events`` fixture, for a whole run
  with ``--openedx-events-strict`` or the ini option ``openedx_events_strict = true``;
* the ``openedx_events_isolation(*event_types)`` marker: only those events are sent during
  the test, and their receivers' failures propagate.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from openedx_events.testing._capture import EventCapture, capture_events
from openedx_events.testing._state import events_isolation, strict_events

__all__ = ["captured_events", "strict_openedx_events"]

_STRICT = "openedx_events_strict"
_ISOLATION = "openedx_events_isolation"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the strict-mode switches."""
    help_text = "let receiver exceptions of Open edX events fail tests instead of being logged"
    parser.addoption("--openedx-events-strict", action="store_true", help=help_text)
    parser.addini(_STRICT, help_text, type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    """Declare the markers."""
    config.addinivalue_line(
        "markers", f"{_STRICT}: receiver exceptions of Open edX events fail this test"
    )
    config.addinivalue_line(
        "markers",
        f"{_ISOLATION}(*event_types): only these Open edX events are sent during this test",
    )


def _strict_for(request: pytest.FixtureRequest) -> bool:
    config = request.config
    return bool(
        request.node.get_closest_marker(_STRICT)
        or config.getoption("--openedx-events-strict")
        or config.getini(_STRICT)
    )


@pytest.fixture(autouse=True)
def _openedx_events_modes(request: pytest.FixtureRequest) -> Iterator[None]:
    """Apply the strict mode and the isolation marker, when asked for."""
    isolation = request.node.get_closest_marker(_ISOLATION)
    strict = _strict_for(request)
    if isolation is None and not strict:
        yield
        return
    with ExitStack() as stack:
        if strict:
            stack.enter_context(strict_events())
        if isolation is not None:
            stack.enter_context(events_isolation(*isolation.args))
        yield


@pytest.fixture
def captured_events() -> Iterator[EventCapture]:
    """Every Open edX event the test dispatches, in the order sent."""
    with capture_events() as capture:
        yield capture


@pytest.fixture
def strict_openedx_events() -> Iterator[None]:
    """Strict mode for this test: receiver exceptions propagate from ``send_event``."""
    with strict_events():
        yield
