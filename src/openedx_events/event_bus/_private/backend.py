"""The contract every bus backend fulfils: an append-only log per topic and consumer groups.

A backend stores :class:`Message` values in topics and hands them out as :class:`Record`
values, each at a :data:`Position` of the backend's own kind (a row id, a stream id, a partition
and offset). Only the backend compares positions; the runtime passes them back as they came.

Consumers of one group share a topic's records through *claims*: :meth:`Backend.claim` hands a
consumer records nobody in its group holds, :meth:`Backend.commit` acknowledges the ones it
handled, and records whose consumer went silent (no commit or heartbeat) for the backend's claim
timeout pass to the next consumer that asks. A consumer that restarts under the same name gets
its own unacknowledged records back first. Nothing is lost; a record may be delivered twice.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from datetime import datetime

from openedx_events.event_bus._private.records import (
    GroupInfo,
    Message,
    Position,
    Record,
    TopicInfo,
)

__all__ = ["DEFAULT_CLAIM_TIMEOUT", "Backend"]

DEFAULT_CLAIM_TIMEOUT = 30.0


class Backend(abc.ABC):
    """Durable (or, in memory, process-local) storage of topics and consumer groups."""

    #: A short name for messages and ``repr``, such as ``sqlite:/path/to.db``.
    name: str = "backend"

    #: Whether records keep their message's key (the reference's Redis streams carry none).
    stores_keys: bool = True

    #: Whether a group's consumers share records one by one, a silent consumer's records
    #: passing on after the claim timeout. Kafka shares whole partitions instead: the broker
    #: moves them when a member leaves or misses its session timeout.
    shares_records: bool = True

    #: Whether :meth:`processed` remembers committed event ids (Kafka keeps no such guard).
    keeps_processed_ids: bool = True

    #: Whether any printable name up to 249 characters names a topic (Kafka allows only
    #: ASCII letters, digits, ``.``, ``_`` and ``-``).
    any_topic_name: bool = True

    @abc.abstractmethod
    def append(self, topic: str, messages: Sequence[Message]) -> list[Position]:
        """Append ``messages`` to ``topic`` atomically; return their positions, in order."""

    @abc.abstractmethod
    def read(self, topic: str, *, after: Position | None = None, limit: int = 100) -> list[Record]:
        """Up to ``limit`` records of ``topic`` after position ``after`` (or from the start).

        In position order. Reading commits nothing and claims nothing: it is how a topic is
        tailed or inspected.
        """

    @abc.abstractmethod
    def claim(
        self, topic: str, group: str, consumer: str, *, limit: int = 100, wait: float = 0.0
    ) -> list[Record]:
        """Up to ``limit`` records for ``consumer`` of ``group``, held by it until committed.

        In order of preference: the consumer's own unacknowledged records, records abandoned
        by another consumer for longer than the claim timeout (or released), then records
        nobody in the group has had; in position order within each. An empty list means there
        is nothing to do right now. A backend that can wait for new records on the server does
        so for up to ``wait`` seconds before returning nothing; others return at once.
        """

    @abc.abstractmethod
    def commit(
        self,
        topic: str,
        group: str,
        consumer: str,
        records: Sequence[Record],
        *,
        processed_ids: Iterable[str] = (),
    ) -> bool:
        """Acknowledge that ``consumer`` handled ``records``.

        ``records`` are the first of those :meth:`claim` gave it and it has not committed yet,
        in the order they came. ``processed_ids`` are event ids to remember for the idempotency
        guard. Returns ``False`` when the consumer no longer holds them (they were taken over,
        or the group was moved by :meth:`seek`): the caller should drop the rest of its batch,
        which another consumer now delivers.
        """

    @abc.abstractmethod
    def heartbeat(self, topic: str, group: str, consumer: str) -> None:
        """Tell the group that ``consumer`` is alive and still working on its claims."""

    @abc.abstractmethod
    def release(self, topic: str, group: str, consumer: str) -> None:
        """Give the unacknowledged records of ``consumer`` back to the group right away."""

    @abc.abstractmethod
    def seek(self, topic: str, group: str, position: Position | None) -> None:
        """Make ``group`` deliver again from ``position`` (inclusive; ``None``: the start).

        Every claim of the group is dropped: what it held before ``position`` counts as handled.
        """

    @abc.abstractmethod
    def position_at(self, topic: str, when: datetime) -> Position:
        """A position from which :meth:`seek` replays exactly the records appended since ``when``.

        The position of the first such record; one past the last when every record is older.
        """

    def seek_to_time(self, topic: str, group: str, when: datetime) -> None:
        """Make ``group`` deliver again exactly the records appended since ``when``.

        One :meth:`seek` to :meth:`position_at` where a topic is one log; a backend whose
        topics have several logs (Kafka's partitions) moves each of them.
        """
        self.seek(topic, group, self.position_at(topic, when))

    def parse_position(self, text: str) -> Position:
        """The position ``text`` shows (``str(position)``), as this backend's kind of position.

        Raises:
            ValueError: ``text`` is not a position of this backend.
        """
        return int(text)

    @abc.abstractmethod
    def processed(self, topic: str, group: str, event_ids: Iterable[str]) -> set[str]:
        """Which of ``event_ids`` were committed as processed by ``group`` on ``topic``."""

    @abc.abstractmethod
    def trim(self, topic: str, *, before: datetime, unconsumed: bool = False) -> int:
        """Delete the records of ``topic`` appended before ``before``; return how many went.

        Only records that every consumer group of the topic has committed are deleted, so
        trimming never takes an event from a group that has yet to handle it; a topic with
        no group keeps everything. With ``unconsumed``, age alone decides, as a retention
        period does: a group still behind loses what it had not handled. The idempotency
        guard forgets the ids processed before ``before`` too. Positions are never reused.
        """

    @abc.abstractmethod
    def topics(self) -> list[TopicInfo]:
        """Every topic that holds or held records, by name."""

    @abc.abstractmethod
    def groups(self, topic: str) -> list[GroupInfo]:
        """The consumer groups of ``topic``, by name, with their committed position and lag."""

    def close(self) -> None:  # noqa: B027  (an optional hook: most backends hold nothing)
        """Release the resources this backend holds in this process."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
