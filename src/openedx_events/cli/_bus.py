"""The commands' access to the event bus: producer, consumer, and reading a topic or its DLQ.

Tailing and the dead-letter commands read the store directly, so they work on the bus whose
backend is configured for the embedded SQLite file (``EVENT_BUS_SQLITE_PATH``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.consumer import EventBusConsumer
from openedx_events.event_bus._private.deadletter import (
    DeadLetter,
    list_dead_letters,
    replay_dead_letters,
)
from openedx_events.event_bus._private.loading import get_producer, make_single_consumer
from openedx_events.event_bus._private.producer import EventBusProducer
from openedx_events.event_bus._private.records import Record
from openedx_events.event_bus._private.topics import full_topic
from openedx_events.event_bus._private.wire import decode_record
from openedx_events.event_bus.sqlite import backend_from_settings

__all__ = [
    "DeadLetter",
    "ReadEvent",
    "consumer",
    "dead_letters",
    "producer",
    "read_topic",
    "replay",
    "topic_end",
]


def producer() -> EventBusProducer:
    """The configured producer."""
    return get_producer()


def consumer(topic: str, group: str, **kwargs: Any) -> EventBusConsumer:
    """A configured consumer of ``topic`` in ``group``."""
    return make_single_consumer(topic=topic, group_id=group, **kwargs)


@attrs.frozen
class ReadEvent:
    """A record of a topic, decoded when it could be (``error`` says why when not)."""

    record: Record
    signal: OpenEdxPublicSignal | None = None
    metadata: EventsMetadata | None = None
    data: dict[str, Any] | None = None
    error: str | None = None


def _decode(record: Record) -> ReadEvent:
    try:
        event = decode_record(record)
    except Exception as error:  # a damaged record is shown, not fatal to the tail
        return ReadEvent(record=record, error=f"{type(error).__name__}: {error}")
    return ReadEvent(record, event.signal, event.metadata, event.data)


def read_topic(topic: str, *, after: int, limit: int = 500) -> Iterator[ReadEvent]:
    """The records of ``topic`` after position ``after``, decoded, without claiming them."""
    for record in backend_from_settings().read(full_topic(topic), after=after, limit=limit):
        yield _decode(record)


def topic_end(topic: str) -> int:
    """The position of the last record of ``topic`` (0 when it holds none)."""
    stored = full_topic(topic)
    for info in backend_from_settings().topics():
        if info.name == stored:
            return info.last_position
    return 0


def dead_letters(topic: str) -> Iterator[DeadLetter]:
    """Every dead letter of ``topic``, oldest first."""
    backend = backend_from_settings()
    after = 0
    while letters := list_dead_letters(backend, full_topic(topic), after=after, limit=500):
        yield from letters
        after = letters[-1].record.position


def replay(topic: str, positions: list[int] | None) -> list[int]:
    """Publish dead letters of ``topic`` again (those at ``positions``, or every new one)."""
    return replay_dead_letters(backend_from_settings(), full_topic(topic), positions=positions)
