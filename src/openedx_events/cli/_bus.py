"""The commands' access to the event bus: producer, consumer, and reading a topic or its DLQ.

Tailing and the dead-letter commands read the backend of the configured producer (the
embedded SQLite bus unless ``EVENT_BUS_PRODUCER`` names another). Only producing and consuming
create a bus file; the other commands report a missing one, and a topic the bus does not hold.
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
    Backend,
    DeadLetter,
    EventBusConsumer,
    EventBusProducer,
    GroupInfo,
    Position,
    Record,
    TopicInfo,
    dead_letter_topic,
    decode_record,
    full_topic,
    get_backend,
    list_dead_letters,
    make_single_consumer,
    replay_dead_letters,
    tail,
)
from openedx_events.event_bus._private.loading import configured_producer
from openedx_events.event_bus._private.topics import DEAD_LETTER_SUFFIX
from openedx_events.event_bus.sqlite import SqliteBackend

__all__ = [
    "BusInputError",
    "DeadLetter",
    "ReadEvent",
    "backend_name",
    "consumer",
    "dead_letters",
    "producer",
    "read_topic",
    "replay",
    "topic_end",
    "topic_known",
    "topics",
    "trim",
]


class BusInputError(Exception):
    """The bus file or topic a command was pointed at does not exist."""


def _existing_backend() -> Backend:
    """The configured backend; its file must exist already, as nothing here should create it."""
    backend = get_backend()
    if isinstance(backend, SqliteBackend):
        path = backend.path
        if not str(path).startswith("file:") and not path.exists():
            raise BusInputError(f"no event bus file at {path} (produce an event to create it)")
    return backend


def _bookkeeping(name: str) -> bool:
    return name.endswith((DEAD_LETTER_SUFFIX, DEAD_LETTER_SUFFIX + ".replayed"))


def _known_topic(backend: Backend, topic: str) -> str:
    """The stored name of ``topic``, which must hold (or have held) records or dead letters."""
    stored = full_topic(topic)
    names = {info.name for info in backend.topics()}
    if stored not in names and dead_letter_topic(stored) not in names:
        known = ", ".join(sorted(name for name in names if not _bookkeeping(name)))
        where = f" ({backend.name})" if backend.name else ""
        raise BusInputError(
            f"the bus{where} has no topic {stored!r}"
            + (f"; its topics: {known}" if known else "; it holds no topics yet")
        )
    return stored


def producer() -> EventBusProducer:
    """The configured producer."""
    return configured_producer()


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
    backend = _existing_backend()
    stored = full_topic(topic) if follow else _known_topic(backend, topic)
    records = tail(backend, stored, after=after, follow=follow, stop=stop, poll_interval=poll)
    for record in records:
        yield _decode(record)


def topic_known(topic: str) -> bool:
    """Whether the bus holds (or held) records or dead letters of ``topic``."""
    backend = _existing_backend()
    try:
        _known_topic(backend, topic)
    except BusInputError:
        return False
    return True


def topic_end(topic: str) -> Position | None:
    """The position of the last record of ``topic`` (``None`` when it never held one)."""
    stored = full_topic(topic)
    for info in _existing_backend().topics():
        if info.name == stored:
            return info.last_position
    return None


def dead_letters(topic: str) -> Iterator[DeadLetter]:
    """Every dead letter of ``topic``, oldest first."""
    backend = _existing_backend()
    stored = _known_topic(backend, topic)
    after: Position | None = None
    while letters := list_dead_letters(backend, stored, after=after, limit=500):
        yield from letters
        after = letters[-1].record.position


def replay(
    topic: str, positions: list[str] | None, *, hopeless: bool
) -> tuple[list[Position], int]:
    """Publish dead letters of ``topic`` again (those at ``positions``, or every new one).

    Returns the new positions, and how many hopeless dead letters were left out.

    Raises:
        KeyError: a position names no dead letter (or is not a position of this bus).
    """
    backend = _existing_backend()
    stored = _known_topic(backend, topic)
    parsed: list[Position] | None = None
    if positions is not None:
        try:
            parsed = [backend.parse_position(text) for text in positions]
        except ValueError as error:
            raise KeyError(f"not a position of {backend.name}: {error}") from error
    new = replay_dead_letters(backend, stored, positions=parsed, hopeless=hopeless)
    left_out = 0
    if positions is None and not hopeless:
        left_out = sum(
            1 for letter in dead_letters(topic) if letter.hopeless and not letter.replayed_at
        )
    return new, left_out


def backend_name() -> str:
    """The name of the bus the commands look at, such as ``sqlite:/srv/bus.db``."""
    return get_backend().name


def topics() -> list[tuple[TopicInfo, list[GroupInfo]]]:
    """Every topic of the bus (stored names), each with its consumer groups."""
    backend = _existing_backend()
    return [(info, backend.groups(info.name)) for info in backend.topics()]


def trim(topic: str, *, before: datetime, unconsumed: bool) -> int:
    """Delete the old records of ``topic`` (see ``Backend.trim``); return how many went."""
    backend = _existing_backend()
    return backend.trim(_known_topic(backend, topic), before=before, unconsumed=unconsumed)
