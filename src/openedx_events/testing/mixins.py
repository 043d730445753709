"""unittest mixins that isolate a test case from the events it does not exercise.

They work with ``unittest.TestCase`` and Django's test cases alike (they need no Django). Unlike
the mixins of the reference implementation, the switches they flip are put back at
``tearDownClass``, so one test case's isolation does not leak into the next.
"""

from __future__ import annotations

from typing import Any, ClassVar

from openedx_events._private.receivers import ReceiverList
from openedx_events._private.registry import default_registry, load_all_signals
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.testing._state import SignalStates

__all__ = ["EventsIsolationMixin", "FreezeSignalCacheMixin", "OpenEdxEventsTestMixin"]


class EventsIsolationMixin:
    """Class methods that switch events on and off for a test case.

    ``start_events_isolation()`` disables every event but those in ``ENABLED_OPENEDX_EVENTS``
    and lets receiver failures of those propagate. Whatever these methods change is restored
    when the class is torn down.
    """

    ENABLED_OPENEDX_EVENTS: ClassVar[list[str]] = []
    _openedx_events_states: ClassVar[list[SignalStates]]

    @classmethod
    def _remember_event_states(cls) -> None:
        # Only the first change of a class is remembered: that is the state to go back to.
        if "_openedx_events_states" not in cls.__dict__:
            cls._openedx_events_states = [SignalStates()]

    @classmethod
    def disable_all_events(cls) -> None:
        """Make every signal's ``send_event`` a no-op."""
        cls._remember_event_states()
        for signal in default_registry.all():
            signal.disable()

    @classmethod
    def enable_all_events(cls) -> None:
        """Let every signal send events again."""
        cls._remember_event_states()
        for signal in default_registry.all():
            signal.enable()

    @classmethod
    def enable_events_by_type(cls, *event_types: str) -> None:
        """Let the signals of these event types send events."""
        cls._remember_event_states()
        for event_type in event_types:
            OpenEdxPublicSignal.get_signal_by_type(event_type).enable()

    @classmethod
    def allow_send_events_failure(cls, *event_types: str) -> None:
        """Let receiver exceptions of these event types propagate from ``send_event``."""
        cls._remember_event_states()
        for event_type in event_types:
            OpenEdxPublicSignal.get_signal_by_type(event_type).allow_send_event_failure()

    @classmethod
    def start_events_isolation(cls) -> None:
        """Disable every event but ``ENABLED_OPENEDX_EVENTS``, whose failures propagate."""
        cls.disable_all_events()
        cls.enable_events_by_type(*cls.ENABLED_OPENEDX_EVENTS)
        cls.allow_send_events_failure(*cls.ENABLED_OPENEDX_EVENTS)

    @classmethod
    def restore_events(cls) -> None:
        """Put every signal's switches back as they were before this class changed them."""
        states = cls.__dict__.get("_openedx_events_states")
        if states:
            states[0].restore()
            del cls._openedx_events_states

    @classmethod
    def tearDownClass(cls) -> None:
        """Restore the events, then let the next class in the MRO tear down."""
        cls.restore_events()
        super().tearDownClass()  # type: ignore[misc]  # mixed into a TestCase


class OpenEdxEventsTestMixin(EventsIsolationMixin):
    """Isolates a test case: only the events in ``ENABLED_OPENEDX_EVENTS`` are sent.

    Set ``ENABLED_OPENEDX_EVENTS`` to the event types the test case exercises; their receiver
    failures propagate, every other event is disabled for the duration of the class.
    """

    @classmethod
    def setUpClass(cls, *args: Any, **kwargs: Any) -> None:
        """Set up the class, then isolate its events."""
        super().setUpClass(*args, **kwargs)  # type: ignore[misc]  # mixed into a TestCase
        cls.start_events_isolation()


class FreezeSignalCacheMixin:
    """Keeps the signals declared and the receivers connected in a test case from outliving it.

    At ``setUpClass`` it records the registered signals and every signal's receivers; at
    ``tearDownClass`` it puts them back, so signals the tests declared are forgotten (an
    event type declared again finds its old signal), receivers a test connected (and did not
    disconnect) are dropped, and ones it disconnected return.
    """

    _openedx_events_receivers: ClassVar[dict[OpenEdxPublicSignal, Any]]
    _openedx_events_registry: ClassVar[Any]

    @classmethod
    def setUpClass(cls, *args: Any, **kwargs: Any) -> None:
        """Record the signals and their receivers, then set up the class."""
        load_all_signals()
        cls._openedx_events_registry = default_registry.snapshot()
        cls._openedx_events_receivers = {
            signal: _receivers_of(signal).snapshot() for signal in default_registry.all()
        }
        super().setUpClass(*args, **kwargs)  # type: ignore[misc]  # mixed into a TestCase

    @classmethod
    def tearDownClass(cls) -> None:
        """Tear down the class, then put the signals and their receivers back."""
        try:
            super().tearDownClass()  # type: ignore[misc]  # mixed into a TestCase
        finally:
            default_registry.restore(cls._openedx_events_registry)
            for signal, entries in cls._openedx_events_receivers.items():
                _receivers_of(signal).restore(entries)


def _receivers_of(signal: OpenEdxPublicSignal) -> ReceiverList:
    return signal._receivers
