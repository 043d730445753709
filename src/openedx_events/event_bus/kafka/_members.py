"""One consumer-group member per (topic, group, consumer) of a Kafka backend.

Kafka shares a topic among a group's consumers by partition: the broker assigns each member
some partitions, and a member that leaves or stops answering (``session.timeout.ms``) has its
partitions moved to the others, from the last committed offsets. A member remembers the
records it handed out and not yet committed, so that it hands them out first again and can
drop those of partitions taken away from it.
"""

from __future__ import annotations

import threading
from typing import Any

from openedx_events.event_bus._private.records import Record

__all__ = ["Member"]


class Member:
    """A subscribed confluent-kafka consumer and the records it has yet to commit."""

    def __init__(self, consumer: Any, topic: str) -> None:
        self.consumer = consumer
        self.topic = topic
        self.pending: list[Record] = []
        self.early: list[Record] = []  # fetched while joining, not handed out yet
        self.joined = False
        self.floors: dict[int, int] = {}  # partition -> first offset a trim kept
        self.unsettled: dict[int, int] = {}  # partition -> offset committed without waiting
        self.lock = threading.Lock()
        # The partitions held, as the rebalance callbacks (run inside this member's polls)
        # report them: asking librdkafka instead is a round trip through its main thread.
        self.held: set[int] = set()
        consumer.subscribe(
            [topic], on_assign=self._assigned, on_revoke=self._revoked, on_lost=self._revoked
        )

    def _assigned(self, _consumer: Any, partitions: list[Any]) -> None:
        # Eager assignment reports every partition after revoking all; cooperative
        # assignment reports the added ones: a union serves both.
        self.held.update(tp.partition for tp in partitions)

    def _revoked(self, _consumer: Any, partitions: list[Any]) -> None:
        # What was handed out from these partitions goes, uncommitted, to their next owner.
        gone = {tp.partition for tp in partitions}
        self.held -= gone
        # Commits sent for these partitions before the revocation stand or fall with the
        # broker; waiting on them here is not needed for their records to be delivered.
        self.unsettled = {p: o for p, o in self.unsettled.items() if p not in gone}
        self.pending = [r for r in self.pending if _partition(r) not in gone]
        self.early = [r for r in self.early if _partition(r) not in gone]

    def assigned(self) -> set[int]:
        """The partitions this member holds right now."""
        return self.held

    def forget(self, records: list[Record]) -> None:
        """Drop committed ``records`` from the pending ones."""
        count = len(records)
        if count <= len(self.pending) and all(
            kept is done for kept, done in zip(self.pending, records, strict=False)
        ):
            del self.pending[:count]  # the usual case: the oldest records, in order
            return
        done = {r.position for r in records}
        self.pending = [r for r in self.pending if r.position not in done]

    def drop_below(self, lows: dict[int, int]) -> None:
        """Forget the records handed out that a trim deleted (below each low watermark)."""

        def kept(record: Record) -> bool:
            partition = _partition(record)
            return _offset(record) >= lows.get(partition, 0)

        self.floors.update(lows)
        self.pending = [r for r in self.pending if kept(r)]
        self.early = [r for r in self.early if kept(r)]

    def kept(self, partition: int, offset: int) -> bool:
        """Whether a fetched message was not deleted by a trim since it was fetched."""
        return offset >= self.floors.get(partition, 0)

    def close(self) -> None:
        """Leave the group: the member's partitions pass to the others at once."""
        self.pending = []
        self.consumer.close()


def _partition(record: Record) -> int:
    position = record.position
    assert isinstance(position, tuple)  # a Kafka record's position is (partition, offset)
    return position[0]


def _offset(record: Record) -> int:
    position = record.position
    assert isinstance(position, tuple)
    return position[1]
