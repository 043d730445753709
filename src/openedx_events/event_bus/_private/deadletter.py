"""Dead letters: events a consumer could not handle, kept with the reason and the error.

A dead letter is the original message (same payload, key and headers) in the topic
``<topic>.dlq``, with ``dlq_*`` headers added: the original topic and position, the group and
consumer, the reason, the error and the number of attempts.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import attrs

from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.records import Message, Position, Record
from openedx_events.event_bus._private.topics import dead_letter_topic

__all__ = [
    "DeadLetter",
    "Reason",
    "dead_letter_message",
    "list_dead_letters",
    "replay_dead_letters",
]

_PREFIX = "dlq_"
REPLAY_GROUP = "openedx-events.dlq-replay"


class Reason:
    """Why an event became a dead letter (the ``dlq_reason`` header)."""

    RECEIVER_FAILED = "receiver_failed"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    UNDECODABLE = "undecodable"


def dead_letter_message(
    record: Record,
    *,
    group: str,
    consumer: str,
    reason: str,
    error: str,
    attempts: int,
) -> Message:
    """The message that keeps ``record`` in its topic's dead-letter topic."""
    headers = {k: v for k, v in record.headers.items() if not k.startswith(_PREFIX)}
    headers.update(
        {
            "dlq_topic": record.topic,
            "dlq_position": str(record.position),
            "dlq_group": group,
            "dlq_consumer": consumer,
            "dlq_reason": reason,
            "dlq_error": error,
            "dlq_attempts": str(attempts),
            "dlq_failed_at": f"{time.time():.6f}",
        }
    )
    if record.defect is not None:
        headers["dlq_defect"] = record.defect
    return Message(headers=headers, payload=record.payload, key=record.key)


@attrs.frozen
class DeadLetter:
    """A dead letter read back: where it came from, why it failed, and the stored record.

    ``position`` is the original record's position in ``topic``, as text.
    """

    record: Record
    topic: str
    position: str
    group: str
    consumer: str
    reason: str
    error: str
    attempts: int
    failed_at: float

    @property
    def event_type(self) -> str:
        """The event type of the original message ('' when its headers were unreadable)."""
        return self.record.headers.get("type", "")

    @property
    def event_id(self) -> str:
        """The event id of the original message ('' when its headers were unreadable)."""
        return self.record.headers.get("id", "")

    @property
    def original(self) -> Message:
        """The message as it was before it failed, ready to be published again."""
        headers = {k: v for k, v in self.record.headers.items() if not k.startswith(_PREFIX)}
        return Message(headers=headers, payload=self.record.payload, key=self.record.key)

    @classmethod
    def from_record(cls, record: Record) -> DeadLetter:
        """Read the ``dlq_*`` headers of a record of a dead-letter topic."""
        headers = record.headers

        def number(name: str) -> float:
            try:
                return float(headers.get(name, "0"))
            except ValueError:
                return 0.0

        return cls(
            record=record,
            topic=headers.get("dlq_topic", ""),
            position=headers.get("dlq_position", ""),
            group=headers.get("dlq_group", ""),
            consumer=headers.get("dlq_consumer", ""),
            reason=headers.get("dlq_reason", ""),
            error=headers.get("dlq_error", record.defect or ""),
            attempts=int(number("dlq_attempts")),
            failed_at=number("dlq_failed_at"),
        )


def list_dead_letters(
    backend: Backend, stored_topic: str, *, after: Position | None = None, limit: int = 100
) -> list[DeadLetter]:
    """Up to ``limit`` dead letters of ``stored_topic`` after position ``after``, oldest first."""
    records = backend.read(dead_letter_topic(stored_topic), after=after, limit=limit)
    return [DeadLetter.from_record(record) for record in records]


def replay_dead_letters(
    backend: Backend, stored_topic: str, *, positions: Iterable[Position] | None = None
) -> list[Position]:
    """Publish dead letters of ``stored_topic`` to it again; return their new positions.

    With ``positions`` (positions in the dead-letter topic), exactly those are replayed, even
    if they were replayed before. Without, every dead letter not replayed yet is, once: a
    bookkeeping group on the dead-letter topic remembers how far replays got. Every group of
    the topic receives the replayed events; the idempotency guard skips them in the groups
    that already handled them.
    """
    dlq = dead_letter_topic(stored_topic)
    if positions is not None:
        wanted = set(positions)
        found: list[Record] = []
        after: Position | None = None
        while wanted:
            batch = backend.read(dlq, after=after, limit=500)
            if not batch:
                break
            found.extend(r for r in batch if r.position in wanted)
            wanted -= {r.position for r in batch}
            after = batch[-1].position
        if wanted:
            raise KeyError(f"no dead letter at position(s) {sorted(wanted)} of {dlq!r}")
        return _republish(backend, stored_topic, found)
    replayed: list[Position] = []
    while batch := backend.claim(dlq, REPLAY_GROUP, REPLAY_GROUP, limit=500):
        replayed.extend(_republish(backend, stored_topic, batch))
        backend.commit(dlq, REPLAY_GROUP, REPLAY_GROUP, batch)
    return replayed


def _republish(backend: Backend, stored_topic: str, records: Sequence[Record]) -> list[Position]:
    messages = [DeadLetter.from_record(record).original for record in records]
    return backend.append(stored_topic, messages) if messages else []
