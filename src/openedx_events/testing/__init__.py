"""Helpers for testing code that sends or receives Open edX events.

* :func:`capture_events` records the events signals dispatch (type, metadata, data);
* :func:`events_isolation` lets only some events be sent within a block;
* :func:`strict_events` makes receiver exceptions propagate from every send;
* the unittest mixins :class:`OpenEdxEventsTestMixin`, :class:`EventsIsolationMixin` and
  :class:`FreezeSignalCacheMixin`;
* a pytest plugin (``openedx_events.testing.pytest_plugin``, loaded automatically) with the
  ``captured_events`` fixture and a strict mode built on these.
"""

from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.testing._capture import CapturedEvent, EventCapture, capture_events
from openedx_events.testing._state import events_isolation, strict_events
from openedx_events.testing.mixins import (
    EventsIsolationMixin,
    FreezeSignalCacheMixin,
    OpenEdxEventsTestMixin,
)

__all__ = [
    "CapturedEvent",
    "EventCapture",
    "EventsIsolationMixin",
    "FreezeSignalCacheMixin",
    "OpenEdxEventsTestMixin",
    "OpenEdxPublicSignal",
    "capture_events",
    "events_isolation",
    "strict_events",
]
