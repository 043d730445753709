"""Errors of the event bus that are not about one event's data."""

from __future__ import annotations

from openedx_events.exceptions import OpenEdxEventException

__all__ = [
    "ConsumerConfigurationError",
    "ConsumerStoppedError",
    "EventBusStorageError",
    "EventNotPublishedError",
]


class ConsumerConfigurationError(OpenEdxEventException):
    """The consumer settings (``EVENT_BUS_CONSUMER``, its arguments) are invalid."""


class ConsumerStoppedError(OpenEdxEventException):
    """The consumer gave up: too many consecutive events failed."""


class EventBusStorageError(OpenEdxEventException):
    """The bus storage could not be read or written (locked, read-only, missing, corrupt).

    ``permanent`` tells a failure that waiting cannot cure (a damaged, unreadable or read-only
    file, a missing directory) from one that can pass (a lock held by another writer, a full
    disk, a dropped connection): consumers retry the second kind and stop on the first.
    """

    def __init__(self, message: str = "", *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class EventNotPublishedError(EventBusStorageError):
    """The bus took neither the event nor, when one is set, its spool: the event is not sent.

    ``send_event`` raises it even when it sends to receivers robustly (after every other
    receiver had the event), because an event only logged would be lost.
    """

    escapes_robust_send = True
