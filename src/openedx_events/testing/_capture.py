"""Recording the events that signals send."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from openedx_events._private import signal as _signal_module
from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.registry import load_all_signals
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.testing._state import SignalLike, resolve_signals

__all__ = ["CapturedEvent", "EventCapture", "capture_events"]


@attrs.frozen
class CapturedEvent:
    """One event as its receivers got it."""

    signal: OpenEdxPublicSignal
    metadata: EventsMetadata
    data: dict[str, Any]
    from_event_bus: bool

    @property
    def event_type(self) -> str:
        """The event's type, such as ``org.openedx.learning.course.enrollment.created.v1``."""
        return self.signal.event_type


class EventCapture:
    """The events sent while a :func:`capture_events` block runs, in the order sent."""

    def __init__(self, signals: list[OpenEdxPublicSignal] | None) -> None:
        self._signals = None if signals is None else frozenset(signals)
        self.events: list[CapturedEvent] = []

    def _record(
        self,
        signal: OpenEdxPublicSignal,
        metadata: EventsMetadata,
        from_event_bus: bool,
        data: dict[str, Any],
    ) -> None:
        if self._signals is None or signal in self._signals:
            self.events.append(CapturedEvent(signal, metadata, data, from_event_bus))

    def of_type(self, signal: SignalLike) -> list[CapturedEvent]:
        """The captured events of one signal (given as the signal or its event type)."""
        (wanted,) = resolve_signals([signal])
        return [event for event in self.events if event.signal is wanted]

    @property
    def event_types(self) -> list[str]:
        """The types of the captured events, in the order sent."""
        return [event.event_type for event in self.events]

    def clear(self) -> None:
        """Forget the events captured so far."""
        self.events.clear()

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[CapturedEvent]:
        return iter(self.events)

    def __getitem__(self, index: int) -> CapturedEvent:
        return self.events[index]

    def __repr__(self) -> str:
        return f"<EventCapture: {self.event_types}>"


@contextmanager
def capture_events(*signals: SignalLike) -> Iterator[EventCapture]:
    """Record the events the given signals (every signal, when none is given) dispatch.

    Only events that are actually dispatched are recorded: a disabled signal's events are not.
    Receivers and the responses of ``send_event`` are unaffected.
    """
    load_all_signals()
    capture = EventCapture(resolve_signals(signals) if signals else None)
    _signal_module._observers.append(capture._record)
    try:
        yield capture
    finally:
        _signal_module._observers.remove(capture._record)
