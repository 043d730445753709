"""The commands' access to the event bus: producer, consumer, and reading a topic or its DLQ.

Tailing and the dead-letter commands read the backend of the configured producer (the
embedded SQLite bus unless ``EVENT_BUS_PRODUCER`` names another).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import attrs

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus import (
    DeadLetter,
    EventBusConsumer,
    EventBusProducer,
    GroupInfo,
    Position,
    Record,
    TopicInfo,
    decode_record,
    full_topic,
    get_backend,
    get_producer,
    list_dead_letters,
    make_single_consumer,
    replay_dead_letters,
    tail,
)

__all__ = [
    "DeadLetter",
    "ReadEvent",
    "backend_name",
    "consumer",
    "dead_letters",
    "producer",
    "read_topic",
    "replay",
    "topic_end",
    "topics",
    "trim",
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


def read_topic(
    topic: str,
    *,
    after: Position | None,
    follow: bool = False,
    stop: threading.Event | None = None,
    poll: float = 0.1,
) -> Iterator[ReadEvent]:
    """The records of ``topic`` after ``after`` (or from the start), decoded, unclaimed.

    With ``follow``, waits for new records until ``stop`` is set.
    """
    records = tail(
        get_backend(), full_topic(topic), after=after, follow=follow, stop=stop, poll_interval=poll
    )
    for record in records:
        yield _decode(record)


def topic_end(topic: str) -> Position | None:
    """The position of the last record of ``topic`` (``None`` when it never held one)."""
    stored = full_topic(topic)
    for info in get_backend().topics():
        if info.name == stored:
            return info.last_position
    return None


def dead_letters(topic: str) -> Iterator[DeadLetter]:
    """Every dead letter of ``topic``, oldest first."""
    backend = get_backend()
    after: Position | None = None
    while letters := list_dead_letters(backend, full_topic(topic), after=after, limit=500):
        yield from letters
        after = letters[-1].record.position


def replay(topic: str, positions: list[str] | None) -> list[Position]:
    """Publish dead letters of ``topic`` again (those at ``positions``, or every new one).

    Raises:
        KeyError: a position names no dead letter (or is not a position of this bus).
    """
    backend = get_backend()
    parsed: list[Position] | None = None
    if positions is not None:
        try:
            parsed = [backend.parse_position(text) for text in positions]
        except ValueError as error:
            raise KeyError(f"not a position of {backend.name}: {error}") from error
    return replay_dead_letters(backend, full_topic(topic), positions=parsed)


def backend_name() -> str:
    """The name of the bus the commands look at, such as ``sqlite:/srv/bus.db``."""
    return get_backend().name


def topics() -> list[tuple[TopicInfo, list[GroupInfo]]]:
    """Every topic of the bus (stored names), each with its consumer groups."""
    backend = get_backend()
    return [(info, backend.groups(info.name)) for info in backend.topics()]


def trim(topic: str, *, before: datetime, unconsumed: bool) -> int:
    """Delete the old records of ``topic`` (see ``Backend.trim``); return how many went."""
    return get_backend().trim(full_topic(topic), before=before, unconsumed=unconsumed)
