"""Errors raised by the events framework.

Every error about events or the bus derives from :class:`OpenEdxEventException`::

    OpenEdxEventException
    ├── InstantiationError           a signal cannot be defined (its event type is taken)
    ├── SenderValidationError        send_event got arguments the signal does not declare
    ├── ProducerConfigurationError   bus routing, or a producer call, is invalid for an event
    ├── EventSerializationError      data that cannot be encoded (names the field)
    ├── EventDeserializationError    bytes or headers that cannot be decoded (names the field)
    ├── UnknownEventTypeError        no signal for an event type (also a KeyError)
    └── in openedx_events.event_bus: ConsumerConfigurationError, ConsumerStoppedError,
        EventBusStorageError (``permanent`` tells whether retrying can help)

Those that concern one event carry its ``event_type`` and start their message with it. Misusing
the Django-style receiver API (connecting something that is not callable, takes no
``**kwargs``, or filters on a sender) raises ``TypeError`` or ``ValueError``, as Django does.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EventDeserializationError",
    "EventSerializationError",
    "InstantiationError",
    "OpenEdxEventException",
    "ProducerConfigurationError",
    "SenderValidationError",
    "UnknownEventTypeError",
]


class OpenEdxEventException(Exception):
    """Base class of every error raised by this package."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class _EventError(OpenEdxEventException):
    """An error about one event type; the message starts with that type."""

    def __init__(self, event_type: str = "", message: str = "") -> None:
        self.event_type = event_type
        super().__init__(f"{event_type}: {message}" if event_type else message)


class _ReferenceEventError(_EventError):
    """An error the reference also raises; its message starts ``<ClassName> <event_type>: ``.

    Code and tests written for the reference match on that form.
    """

    def __init__(self, event_type: str = "", message: str = "") -> None:
        super().__init__(event_type, message)
        self.message = f"{type(self).__name__} {self.message}"
        self.args = (self.message,)


class InstantiationError(_ReferenceEventError):
    """A signal could not be defined (for example, its event type is already taken)."""


class SenderValidationError(_ReferenceEventError):
    """``send_event`` got arguments that do not match the signal's declared data."""


class ProducerConfigurationError(_ReferenceEventError):
    """The event bus producer settings are invalid for an event."""


class EventSerializationError(_EventError, TypeError):
    """Event data could not be encoded for the wire (a ``TypeError``, as in the reference)."""

    def __init__(self, event_type: str = "", message: str = "", field: str | None = None) -> None:
        self.field = field
        self.reason = message
        where = f"field '{field}': " if field else ""
        super().__init__(event_type, where + message)
        # As with the reference's codec errors, args[0] is the reason alone; str() also
        # names the event and the field.
        self.args = (message,)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.event_type, self.reason, self.field)


class EventDeserializationError(_EventError, TypeError):
    """Bytes or headers from the wire could not be decoded into an event (a ``TypeError``)."""

    def __init__(self, event_type: str = "", message: str = "", field: str | None = None) -> None:
        self.field = field
        self.reason = message
        where = f"field '{field}': " if field else ""
        super().__init__(event_type, where + message)
        # As with the reference's codec errors, args[0] is the reason alone; str() also
        # names the event and the field.
        self.args = (message,)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.event_type, self.reason, self.field)


class UnknownEventTypeError(OpenEdxEventException, KeyError):
    """No signal is registered for an event type; the message suggests close matches."""

    def __init__(self, event_type: str, suggestions: list[str]) -> None:
        self.event_type = event_type
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No event of type '{event_type}' is known.{hint}")

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message
