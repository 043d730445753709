"""Producers: the abstract interface every bus implements, and the one over a :class:`Backend`."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.observer import observed_append
from openedx_events.event_bus._private.records import Message, Position
from openedx_events.event_bus._private.spool import Spool
from openedx_events.event_bus._private.topics import full_topic
from openedx_events.event_bus._private.wire import encode_event
from openedx_events.exceptions import ProducerConfigurationError

__all__ = ["BusProducer", "EventBusProducer"]


class EventBusProducer(abc.ABC):
    """Sends events to the event bus."""

    @abc.abstractmethod
    def send(
        self,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str | None,
        event_data: Mapping[str, Any],
        event_metadata: EventsMetadata,
    ) -> None:
        """Publish one event to ``topic`` (before the topic prefix is applied).

        Raises instead of dropping the event when it cannot be published.
        """

    def prepare_for_shutdown(self) -> None:  # noqa: B027  (buses without buffers need nothing)
        """Deliver anything still buffered; called before the process exits."""


def _checked_signal(signal: object) -> OpenEdxPublicSignal:
    if not isinstance(signal, OpenEdxPublicSignal):
        raise ProducerConfigurationError(
            "", f"signal must be an OpenEdxPublicSignal, not {signal!r}"
        )
    return signal


def _check_metadata(signal: OpenEdxPublicSignal, metadata: EventsMetadata) -> None:
    # The type header comes from the metadata: another event's metadata would make every
    # consumer decode this event's bytes as that other event.
    if metadata.event_type != signal.event_type:
        raise ProducerConfigurationError(
            signal.event_type, f"event_metadata is the metadata of {metadata.event_type}"
        )


class BusProducer(EventBusProducer):
    """A producer that writes to a :class:`Backend`; every send is durable when it returns.

    With a :class:`Spool`, what the backend cannot take waits in the spool's file instead,
    and reaches the backend, in order, once it takes messages again.
    """

    def __init__(self, backend: Backend, *, spool: Spool | None = None) -> None:
        self.backend = backend
        self.spool = spool

    def _append(self, topic: str, messages: list[Message]) -> list[Position]:
        if self.spool is None:
            return self.backend.append(topic, messages)
        return self.spool.append(topic, messages) or []

    def send(
        self,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str | None,
        event_data: Mapping[str, Any],
        event_metadata: EventsMetadata,
    ) -> None:
        """Publish one event.

        Raises:
            EventSerializationError: the data does not fit the event's schema.
            ProducerConfigurationError: ``signal`` is not a signal, ``event_metadata`` is of
                another event, or ``event_key_field`` does not lead to a value.
            EventBusStorageError: the backend could not store the event (nor the spool).
        """
        signal = _checked_signal(signal)
        _check_metadata(signal, event_metadata)
        message = encode_event(signal, event_data, event_metadata, event_key_field)
        stored = full_topic(topic)
        observed_append(
            self.backend, stored, signal.event_type, [message], lambda m: self._append(stored, m)
        )

    def send_batch(
        self,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str | None,
        events: Iterable[tuple[Mapping[str, Any], EventsMetadata]],
    ) -> list[Position]:
        """Publish many events of one signal in one write; return their positions.

        Either every event is stored or, when one fails a check of :meth:`send`, fails to
        encode or the write fails, none. Events kept in the spool have no position yet: then
        the list is empty.
        """
        signal = _checked_signal(signal)
        messages = []
        for data, metadata in events:
            _check_metadata(signal, metadata)
            messages.append(encode_event(signal, data, metadata, event_key_field))
        stored = full_topic(topic)
        return observed_append(
            self.backend, stored, signal.event_type, messages, lambda m: self._append(stored, m)
        )

    def prepare_for_shutdown(self) -> None:
        """Give the spool a few seconds to hand what waits to the backend."""
        if self.spool is not None and len(self.spool):
            self.spool.flush(5.0)

    def send_encoded(self, topic: str, messages: Sequence[Message]) -> None:
        """Publish messages encoded earlier (by :func:`encode_event`), in one write.

        The outbox relay and the ``on_commit`` mode use it: the event was encoded inside the
        transaction, and what is published later is exactly those bytes. It bypasses the
        spool: its callers keep what the backend refuses in the outbox, in order.

        Raises:
            EventBusStorageError: the backend could not store the messages; none is stored.
        """
        stored = full_topic(topic)
        observed_append(
            self.backend, stored, None, list(messages), lambda m: self.backend.append(stored, m)
        )

    def __repr__(self) -> str:
        return f"<BusProducer on {self.backend.name}>"
