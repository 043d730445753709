"""Dead letters: events a consumer could not handle, kept with the reason and the error.

A dead letter is the original message (same payload, key and headers) in the topic
``<topic>.dlq``, with ``dlq_*`` headers added: the original topic and position, the group and
consumer, the reason, the error and the number of attempts.

Each replay is logged in ``<topic>.dlq.replayed`` (one message naming the dead letter), so a
dead letter shows when it was replayed and a replay of "every new one" skips it. Dead letters
whose event type is unknown or whose bytes do not decode would only fail again: they are
replayed only when asked explicitly (``hopeless=True``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import attrs

from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.records import Message, Position, Record, check_topic
from openedx_events.event_bus._private.topics import dead_letter_topic
from openedx_events.exceptions import OpenEdxEventException

__all__ = [
    "HOPELESS_REASONS",
    "DeadLetter",
    "HopelessReplayError",
    "Reason",
    "dead_letter_message",
    "list_dead_letters",
    "replay_dead_letters",
    "replay_log_topic",
]

_PREFIX = "dlq_"
REPLAY_GROUP = "openedx-events.dlq-replay"


class Reason:
    """Why an event became a dead letter (the ``dlq_reason`` header)."""

    RECEIVER_FAILED = "receiver_failed"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    UNDECODABLE = "undecodable"


#: Reasons a replay cannot cure by itself: the same bytes fail the same way again.
HOPELESS_REASONS = frozenset({Reason.UNKNOWN_EVENT_TYPE, Reason.UNDECODABLE})
_REPLAYED = "dlq_replayed"
_REPLAYED_AT = "dlq_replayed_at"


class HopelessReplayError(OpenEdxEventException, ValueError):
    """Dead letters asked for by position would fail again the same way (see ``hopeless``)."""


def replay_log_topic(stored_topic: str) -> str:
    """The topic that logs which dead letters of ``stored_topic`` were replayed, and when."""
    return check_topic(dead_letter_topic(stored_topic) + ".replayed")


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
    #: When it was replayed (seconds since the epoch), oldest first; empty if never.
    replayed_at: tuple[float, ...] = ()

    @property
    def hopeless(self) -> bool:
        """Whether replaying it would fail the same way again (unknown type, undecodable)."""
        return self.reason in HOPELESS_REASONS

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
    def from_record(cls, record: Record, replayed_at: Sequence[float] = ()) -> DeadLetter:
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
            replayed_at=tuple(replayed_at),
        )


def _replays(backend: Backend, stored_topic: str) -> dict[str, list[float]]:
    """Dead-letter position (as text) -> replay times, from the replay log and older bookkeeping."""
    found: dict[str, list[float]] = {}
    for record in _all(backend, replay_log_topic(stored_topic)):
        position = record.headers.get(_REPLAYED)
        try:
            when = float(record.headers.get(_REPLAYED_AT, "0"))
        except ValueError:
            when = 0.0
        if position is not None:
            found.setdefault(position, []).append(when)
    # Replays before the log existed were tracked by a consumer group on the dead letters:
    # everything up to its committed position (in the backend's own order) was replayed.
    dlq = dead_letter_topic(stored_topic)
    committed = next((g.committed for g in backend.groups(dlq) if g.group == REPLAY_GROUP), None)
    if committed:
        for record in _all(backend, dlq):
            found.setdefault(str(record.position), [0.0])
            if record.position == committed:
                break
    return found


def _all(backend: Backend, topic: str) -> list[Record]:
    records: list[Record] = []
    after: Position | None = None
    while batch := backend.read(topic, after=after, limit=500):
        records.extend(batch)
        after = batch[-1].position
    return records


def list_dead_letters(
    backend: Backend, stored_topic: str, *, after: Position | None = None, limit: int = 100
) -> list[DeadLetter]:
    """Up to ``limit`` dead letters of ``stored_topic`` after position ``after``, oldest first."""
    records = backend.read(dead_letter_topic(stored_topic), after=after, limit=limit)
    replays = _replays(backend, stored_topic) if records else {}
    return [DeadLetter.from_record(r, replays.get(str(r.position), ())) for r in records]


def replay_dead_letters(
    backend: Backend,
    stored_topic: str,
    *,
    positions: Iterable[Position] | None = None,
    hopeless: bool = False,
) -> list[Position]:
    """Publish dead letters of ``stored_topic`` to it again; return their new positions.

    With ``positions`` (positions in the dead-letter topic), exactly those are replayed, even
    if they were replayed before. Without, every dead letter not replayed yet is, once. Every
    group of the topic receives the replayed events; the idempotency guard skips them in the
    groups that already handled them. Each replay is logged (see :func:`replay_log_topic`).

    Dead letters of an unknown event type or with undecodable bytes are left out unless
    ``hopeless``: without it, naming one in ``positions`` raises.

    Raises:
        KeyError: a position holds no dead letter.
        HopelessReplayError: a position names a hopeless dead letter and ``hopeless`` is false.
    """
    letters = [DeadLetter.from_record(r) for r in _all(backend, dead_letter_topic(stored_topic))]
    if positions is not None:
        wanted = set(positions)
        chosen = [letter for letter in letters if letter.record.position in wanted]
        missing = wanted - {letter.record.position for letter in chosen}
        if missing:
            dlq = dead_letter_topic(stored_topic)
            shown = ", ".join(sorted(str(position) for position in missing))
            raise KeyError(f"no dead letter at position(s) {shown} of {dlq!r}")
        futile = [letter for letter in chosen if letter.hopeless]
        if futile and not hopeless:
            described = ", ".join(f"#{x.record.position} ({x.reason})" for x in futile)
            raise HopelessReplayError(
                f"dead letter(s) {described} would fail the same way again; "
                "replay them only once the cause is fixed, explicitly"
            )
    else:
        done = _replays(backend, stored_topic)
        chosen = [
            letter
            for letter in letters
            if str(letter.record.position) not in done and (hopeless or not letter.hopeless)
        ]
    if not chosen:
        return []
    # Published first, logged after: a crash in between replays again, which is a duplicate
    # at worst, never a loss.
    new = backend.append(stored_topic, [letter.original for letter in chosen])
    now = f"{time.time():.6f}"
    log = [
        Message(headers={_REPLAYED: str(letter.record.position), _REPLAYED_AT: now}, payload=b"")
        for letter in chosen
    ]
    backend.append(replay_log_topic(stored_topic), log)
    return new
