"""The contract every bus backend fulfils: an append-only log per topic and consumer groups.

A backend stores :class:`Message` values in topics and hands them out as :class:`Record`
values. Consumers of one group share a topic's records through *claims*: :meth:`Backend.claim`
hands a consumer the next batch nobody in its group holds, :meth:`Backend.commit` records how far
the consumer got, and a claim whose consumer stopped sending heartbeats for ``claim_timeout``
seconds passes to the next consumer that asks. A consumer that restarts under the same name gets
its own unfinished claim back first. Nothing is lost; a record may be delivered twice.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from datetime import datetime

from openedx_events.event_bus._private.records import GroupInfo, Message, Record, TopicInfo

__all__ = ["DEFAULT_CLAIM_TIMEOUT", "Backend"]

DEFAULT_CLAIM_TIMEOUT = 30.0


class Backend(abc.ABC):
    """Durable (or, in memory, process-local) storage of topics and consumer groups."""

    #: A short name for messages and ``repr``, such as ``sqlite:/path/to.db``.
    name: str = "backend"

    @abc.abstractmethod
    def append(self, topic: str, messages: Sequence[Message]) -> list[int]:
        """Append ``messages`` to ``topic`` atomically; return their positions, in order."""

    @abc.abstractmethod
    def read(self, topic: str, *, after: int = 0, limit: int = 100) -> list[Record]:
        """Up to ``limit`` records of ``topic`` after position ``after``, oldest first.

        Reading commits nothing and claims nothing: it is how a topic is tailed or inspected.
        """

    @abc.abstractmethod
    def claim(self, topic: str, group: str, consumer: str, *, limit: int = 100) -> list[Record]:
        """The next records for ``consumer`` of ``group``, which it then holds until committed.

        In order of preference: the rest of the consumer's own unfinished claim, the rest of a
        claim abandoned by another consumer, then up to ``limit`` records nobody in the group
        has had. An empty list means there is nothing to do right now.
        """

    @abc.abstractmethod
    def commit(
        self,
        topic: str,
        group: str,
        consumer: str,
        position: int,
        *,
        processed_ids: Iterable[str] = (),
    ) -> bool:
        """Record that ``consumer`` handled its claimed records up to ``position``.

        ``processed_ids`` are event ids to remember for the idempotency guard. Returns
        ``False`` when the consumer no longer holds a claim covering ``position`` (it was
        taken over, or the group was moved by :meth:`seek`): the caller should drop the rest
        of its batch, which another consumer now delivers.
        """

    @abc.abstractmethod
    def heartbeat(self, topic: str, group: str, consumer: str) -> None:
        """Tell the group that ``consumer`` is alive and still working on its claims."""

    @abc.abstractmethod
    def release(self, topic: str, group: str, consumer: str) -> None:
        """Give the unhandled part of ``consumer``'s claims back to the group right away."""

    @abc.abstractmethod
    def seek(self, topic: str, group: str, position: int) -> None:
        """Make ``group`` deliver again from ``position`` (inclusive), dropping every claim."""

    @abc.abstractmethod
    def position_at(self, topic: str, when: datetime) -> int:
        """The position of the first record of ``topic`` appended at or after ``when``.

        One past the last position when every record is older.
        """

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
