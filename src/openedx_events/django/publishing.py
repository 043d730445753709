"""The ``on_commit`` and ``outbox`` modes over Django's transactions.

``outbox`` stores the encoded event in the caller's transaction: it is published by the relay
if and only if the transaction commits. ``on_commit`` encodes the event at once (bad data fails
in the caller, inside its transaction) and publishes the bytes once the transaction commits;
should that publish fail, the event goes to the outbox for the relay instead of being lost,
and so do the process's next events for a few seconds, so they stay behind it. Commit order is
kept across broker failures only within a process, and strictly only in the ``outbox`` mode.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.db import connections, transaction

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.django.outbox import outbox_database, store
from openedx_events.event_bus._private.modes import OUTBOX
from openedx_events.event_bus._private.observer import with_trace_context
from openedx_events.event_bus._private.producer import EventBusProducer
from openedx_events.event_bus._private.records import Message
from openedx_events.event_bus._private.wire import encode_event

__all__ = ["DjangoPublisher"]

log = logging.getLogger("openedx_events.event_bus.producer")


class DjangoPublisher:
    """The transactional publisher the Django app installs."""

    def publish(
        self,
        mode: str,
        producer: EventBusProducer,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str | None,
        event_data: Mapping[str, Any],
        event_metadata: EventsMetadata,
    ) -> None:
        """Store the event in the outbox, or publish it once the transaction commits.

        Raises:
            EventSerializationError: the data does not fit the event's schema.
            ProducerConfigurationError: ``event_key_field`` does not lead to a value.
        """
        using = outbox_database()
        if mode != OUTBOX and not _has_database(using):
            # A service without a database has no transaction to wait for.
            producer.send(
                signal=signal,
                topic=topic,
                event_key_field=event_key_field,
                event_data=event_data,
                event_metadata=event_metadata,
            )
            return
        if mode == OUTBOX:
            store(topic, [_encoded(signal, event_data, event_metadata, event_key_field)], using)
            return
        send_encoded = getattr(producer, "send_encoded", None)
        if not callable(send_encoded):
            # A producer of another package takes no encoded messages: it publishes the event
            # itself after the commit, and raises there if it cannot.
            transaction.on_commit(
                lambda: producer.send(
                    signal=signal,
                    topic=topic,
                    event_key_field=event_key_field,
                    event_data=event_data,
                    event_metadata=event_metadata,
                ),
                using=using,
            )
            return
        message = _encoded(signal, event_data, event_metadata, event_key_field)
        transaction.on_commit(_after_commit(send_encoded, topic, message, using), using=using)


def _encoded(
    signal: OpenEdxPublicSignal,
    data: Mapping[str, Any],
    metadata: EventsMetadata,
    key_field: str | None,
) -> Message:
    # Published later, by then outside send_event's span: the message keeps its context now.
    return with_trace_context(encode_event(signal, data, metadata, key_field))


def _has_database(using: str) -> bool:
    if using not in connections.settings:
        return False
    return bool(connections.settings[using].get("ENGINE") != "django.db.backends.dummy")


#: After a failed publish, this process sends its on_commit events to the outbox for this
#: long: they queue behind the ones kept there (keeping their order) instead of each waiting
#: for a broker that just failed.
DIVERT_SECONDS = 5.0
_diverted_until = [0.0]


def _after_commit(
    send_encoded: Callable[[str, list[Message]], object], topic: str, message: Message, using: str
) -> Callable[[], None]:
    def publish() -> None:
        if time.monotonic() < _diverted_until[0]:
            store(topic, [message], using)
            return
        try:
            send_encoded(topic, [message])
        except Exception as error:  # any failure: the relay publishes it later
            _diverted_until[0] = time.monotonic() + DIVERT_SECONDS
            log.warning(
                "Publishing %s to %r after the commit failed (%s: %s); it and the events of "
                "the next %gs are kept in the outbox",
                message.headers.get("type", "an event"),
                topic,
                type(error).__name__,
                error,
                DIVERT_SECONDS,
            )
            # Runs after the commit, so this is a transaction of its own; if the database
            # fails too, the error reaches the code that committed: never only logged.
            store(topic, [message], using)

    return publish
