"""Switching signals on and off for a while, and putting them back as they were."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from openedx_events._private import signal as _signal_module
from openedx_events._private.registry import default_registry, load_all_signals
from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = [
    "SignalStates",
    "events_isolation",
    "resolve_signals",
    "strict_events",
]

SignalLike = OpenEdxPublicSignal | str


def resolve_signals(signals: Iterable[SignalLike]) -> list[OpenEdxPublicSignal]:
    """Signals from signals or event types (aliases included).

    Raises:
        UnknownEventTypeError: an event type names no signal.
    """
    get = OpenEdxPublicSignal.get_signal_by_type
    return [item if isinstance(item, OpenEdxPublicSignal) else get(item) for item in signals]


class SignalStates:
    """The switches (enabled, failures allowed) of every signal at one moment."""

    def __init__(self) -> None:
        load_all_signals()
        self._states = {
            signal: (signal._allow_events, signal._allow_send_event_failure)
            for signal in default_registry.all()
        }

    def restore(self) -> None:
        """Put every signal's switches back as they were; later signals are left alone."""
        for signal, (enabled, allow_failure) in self._states.items():
            signal._allow_events = enabled
            signal._allow_send_event_failure = allow_failure


@contextmanager
def events_isolation(*enabled: SignalLike, allow_failures: bool = True) -> Iterator[None]:
    """Within the block, only the ``enabled`` signals send events.

    Every other signal of the registry sends nothing. With ``allow_failures`` (the default),
    a receiver's exception on an enabled signal propagates to the sender instead of being
    logged, so tests see it. On exit every signal is switched back as it was.
    """
    chosen = resolve_signals(enabled)
    states = SignalStates()
    try:
        for signal in default_registry.all():
            signal.disable()
        for signal in chosen:
            signal.enable()
            if allow_failures:
                signal.allow_send_event_failure()
        yield
    finally:
        states.restore()


@contextmanager
def strict_events() -> Iterator[None]:
    """Within the block, a receiver's exception propagates from every send, even a robust one.

    Without it, ``send_event`` logs a failing receiver and carries on, which can hide a broken
    receiver from a test.
    """
    previous = _signal_module._strict_mode[0]
    _signal_module._strict_mode[0] = True
    try:
        yield
    finally:
        _signal_module._strict_mode[0] = previous
