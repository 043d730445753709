"""The Kafka backend: topics and consumer groups of a Kafka cluster, in the reference's format.

A record's position is its ``(partition, offset)``. Appending waits for the broker's
acknowledgement of every message. Claiming consumes as a member of the group (one
confluent-kafka consumer per topic, group and consumer name); committing commits, per
partition, the offset after the last record handled, and only while the member still holds
that partition: after a rebalance, the new owner delivers what was not committed. Offsets are
committed by hand only (``enable.auto.commit`` is off), so nothing is marked consumed before
its receivers ran.

What Kafka does not keep, this backend does not pretend to: there is no idempotency guard
(:meth:`KafkaBackend.processed` reports every id as unseen), and a record passes to another
consumer only with its whole partition, when its member leaves or misses the session timeout.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.event_bus._private.records import (
    GroupInfo,
    Message,
    PartitionInfo,
    Position,
    Record,
    TopicInfo,
    check_topic,
)
from openedx_events.event_bus.kafka._admin import KafkaAdmin
from openedx_events.event_bus.kafka._codec import KafkaCodec
from openedx_events.event_bus.kafka._members import Member
from openedx_events.event_bus.kafka._producer import KafkaWriter
from openedx_events.event_bus.kafka._settings import confluent_kafka

__all__ = ["CONSUMER_DEFAULTS", "KafkaBackend"]

#: librdkafka settings every group member starts from (the backend's config may override them).
CONSUMER_DEFAULTS: dict[str, Any] = {
    "enable.auto.commit": False,
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 10000,
    "max.poll.interval.ms": 600000,
    "fetch.wait.max.ms": 50,  # how long an idle fetch waits on the broker: the idle latency
    # librdkafka prefetches until its queue holds this many messages of a partition (100,000
    # by default): a consumer behind a backlog would hold all of it in memory, and at the
    # log's end its fetcher then spins (some brokers answer an empty fetch at once) on the
    # CPU the main thread needs to work through that queue. 2,000 are 20 claims of 100.
    "queued.min.messages": 2000,
    # Above that, the next fetch waits this long (1 s by default), which would stall a
    # consumer that empties its queue first: 2,000 messages take longer to handle than 20 ms.
    "fetch.queue.backoff.ms": 20,
}

_POSITION = re.compile(r"^\(?\s*(\d+)\s*[,:]\s*(\d+)\s*\)?$")
_KAFKA_TOPIC = re.compile(r"^[A-Za-z0-9._-]+$")
#: How long a new member's first claim waits for the broker to assign it partitions.
JOIN_TIMEOUT = 15.0
#: How long a claim waits for records the broker has but has not fetched to it yet.
FETCH_TIMEOUT = 5.0


def kafka_topic(topic: str) -> str:
    """``topic`` if Kafka can name a topic so.

    Raises:
        ValueError: the name is empty, too long, or has characters Kafka does not allow.
    """
    check_topic(topic)
    if not _KAFKA_TOPIC.match(topic) or topic in {".", ".."}:
        raise ValueError(
            f"Kafka topic names hold only ASCII letters, digits, '.', '_' and '-': {topic!r}"
        )
    return topic


class KafkaBackend(Backend):
    """A Kafka cluster as a bus backend.

    Args:
        config: librdkafka settings shared by producer, consumers and admin client
            (``bootstrap.servers`` at least).
        registry: a confluent-kafka ``SchemaRegistryClient``.
        partitions: how many partitions a topic this backend creates gets.
        consumer_config: librdkafka settings for group members only.
        clock: time moved by hand (tests): appended messages are stamped with the time it
            has moved since the backend was made, counted from now (brokers delete messages
            stamped older than their retention), and times asked about move alike.
    """

    shares_records = False
    keeps_processed_ids = False
    any_topic_name = False

    def __init__(
        self,
        config: Mapping[str, Any],
        registry: Any,
        *,
        partitions: int = 1,
        consumer_config: Mapping[str, Any] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._kafka = confluent_kafka()
        self.config = dict(config)
        self.name = f"kafka:{self.config.get('bootstrap.servers', '?')}"
        self.codec = KafkaCodec(registry)
        self.writer = KafkaWriter(self.config, self.codec)
        self._skew = 0.0 if clock is None else time.time() - clock()
        if clock is not None:
            self.writer.clock = lambda: clock() + self._skew
        self.admin = KafkaAdmin(self.config, partitions=partitions)
        self._consumer_config = {**CONSUMER_DEFAULTS, **(consumer_config or {})}
        self._members: dict[tuple[str, str, str], Member] = {}
        self._lock = threading.Lock()

    # --- writing and reading --------------------------------------------------------------

    def append(self, topic: str, messages: Sequence[Message]) -> list[Position]:
        """Publish ``messages`` and wait for the broker; return their (partition, offset).

        Raises:
            EventBusStorageError: the broker or the registry did not take every message.
        """
        self.admin.ensure_topic(kafka_topic(topic))
        return list(self.writer.append(topic, messages))

    def read(self, topic: str, *, after: Position | None = None, limit: int = 100) -> list[Record]:
        """Up to ``limit`` records after ``after``, partition by partition, in offset order."""
        kafka_topic(topic)
        records: list[Record] = []
        cursor = None if after is None else _position(after)
        for partition, low, high in self.admin.partitions(topic):
            start = low
            if cursor is not None:
                if partition < cursor[0]:
                    continue
                if partition == cursor[0]:
                    start = max(low, cursor[1] + 1)
            if start >= high or len(records) >= limit:
                continue
            for message in self.admin.fetch(topic, partition, start, high, limit - len(records)):
                records.append(self._record(message))
        return records

    def _record(self, message: Any) -> Record:
        return self._records(message.topic(), [message])[0]

    def _records(self, topic: str, messages: Iterable[Any]) -> list[Record]:
        """The records of messages of ``topic`` (whose errors were looked at already)."""
        return self.codec.records(topic, messages, self._skew)

    # --- consumer groups ------------------------------------------------------------------

    def _member(self, topic: str, group: str, consumer: str) -> Member:
        key = (topic, group, consumer)
        with self._lock:
            member = self._members.get(key)
            if member is None:
                self.admin.ensure_topic(topic)
                client = self._kafka.Consumer(
                    {
                        **self.config,
                        **self._consumer_config,
                        "group.id": group,
                        "client.id": consumer,
                    }
                )
                member = self._members[key] = Member(client, topic)
            return member

    def claim(
        self, topic: str, group: str, consumer: str, *, limit: int = 100, wait: float = 0.0
    ) -> list[Record]:
        """Records of the partitions ``consumer`` holds: its uncommitted ones first.

        A new member's first claim waits until the broker assigned it partitions; any claim
        returns nothing only when its partitions hold nothing it has not had (it waits up to
        :data:`FETCH_TIMEOUT` for records the broker has but has not fetched to it yet).
        """
        kafka_topic(topic)
        member = self._member(topic, group, consumer)
        with member.lock:
            if member.pending:
                return member.pending[:limit]
            try:
                if not member.joined:
                    self._join(member)
                records = self._consume(member, limit, wait)
                deadline = time.monotonic() + FETCH_TIMEOUT
                # Asked for no wait, the caller means "what is there now": ask the broker.
                # Polling with a wait (the runtime does), the fetcher's view is enough.
                exact = wait <= 0
                while not records and time.monotonic() < deadline and self._behind(member, exact):
                    # What the broker has comes partition by partition: "what is there now"
                    # gathers for a moment; the runtime's claims take the first to come.
                    records = self._consume(member, limit, 0.05, gather=exact)
            except self._kafka.KafkaException as error:
                raise EventBusStorageError(f"{self.name}: consuming {topic!r}: {error}") from error
            member.pending.extend(records)
            return records

    def _join(self, member: Member) -> None:
        # Poll until the broker assigned partitions (rebalance callbacks run inside polls);
        # what the polls bring is kept, not lost.
        deadline = time.monotonic() + JOIN_TIMEOUT
        while not member.consumer.assignment() and time.monotonic() < deadline:
            member.early.extend(self._consume(member, 100, 0.05, early=False))
        member.joined = True

    def _consume(
        self, member: Member, limit: int, wait: float, *, early: bool = True, gather: bool = False
    ) -> list[Record]:
        """Up to ``limit`` records; ``gather``: wait for ``limit`` of them, not only the first."""
        if early and member.early:
            taken, member.early = member.early[:limit], member.early[limit:]
            return taken
        consumer = member.consumer
        # consume() waits until it has ``limit`` messages or the time is up: waiting so would
        # hold a lone new record back for the whole wait. Only the first is waited for.
        messages = consumer.consume(num_messages=limit, timeout=wait if gather else 0)
        if not messages and wait > 0 and not gather:
            messages = consumer.consume(num_messages=1, timeout=wait)
            if messages and limit > 1:
                messages.extend(consumer.consume(num_messages=limit - 1, timeout=0))
        # Errors and trimmed records are rare: look for them first, read the rest in one go.
        if any(message.error() is not None for message in messages):
            for message in messages:
                error = message.error()
                if error is not None and error.fatal():
                    raise EventBusStorageError(f"{self.name}: consuming {member.topic!r}: {error}")
            messages = [message for message in messages if message.error() is None]
        if member.floors:
            messages = [m for m in messages if member.kept(m.partition(), m.offset())]
        return self._records(member.topic, _let_go(messages))

    def _behind(self, member: Member, exact: bool) -> bool:
        """Whether a partition of the member holds records past what it was given."""
        assignment = member.consumer.assignment()
        if not assignment:
            return False
        positions = member.consumer.position(assignment)
        committed = None
        for tp in positions:
            low, high = member.consumer.get_watermark_offsets(tp, timeout=5.0, cached=not exact)
            if high < 0:  # nothing known yet
                continue
            offset = tp.offset
            if offset < 0:
                if committed is None:
                    committed = {
                        c.partition: c.offset
                        for c in member.consumer.committed(assignment, timeout=5.0)
                    }
                offset = committed.get(tp.partition, -1)
            if max(offset, low) < high:
                return True
        return False

    def commit(
        self,
        topic: str,
        group: str,
        consumer: str,
        records: Sequence[Record],
        *,
        processed_ids: Iterable[str] = (),
    ) -> bool:
        """Commit, per partition, the offset after the last of ``records``.

        ``False`` when the member no longer holds one of their partitions.
        """
        member = self._members.get((topic, group, consumer))
        if member is None or not records:
            return member is not None
        with member.lock:
            offsets: dict[int, int] = {}
            for record in records:
                partition, offset = _position(record.position)
                if offset >= offsets.get(partition, 0):
                    offsets[partition] = offset + 1
            if not set(offsets) <= member.assigned():
                return False
            partitions = [
                self._kafka.TopicPartition(topic, partition, offset)
                for partition, offset in offsets.items()
            ]
            # Sent without waiting: the broker applies a member's commits in order, and what
            # reads committed offsets here (groups, trim, seek, release) settles them first.
            try:
                member.consumer.commit(offsets=partitions, asynchronous=True)
            except self._kafka.KafkaException as error:
                if _lost_membership(error):
                    return False
                raise EventBusStorageError(f"{self.name}: committing {topic!r}: {error}") from error
            member.unsettled.update(offsets)
            member.forget(list(records))
            return True

    def _settle(self, topic: str | None = None) -> None:
        """Wait for the commits this process sent (on ``topic``, or on every topic)."""
        for (member_topic, _group, _consumer), member in list(self._members.items()):
            if topic is None or member_topic == topic:
                with member.lock:
                    self._settle_member(member)

    def _settle_member(self, member: Member) -> None:
        if not member.unsettled:
            return
        offsets = [
            self._kafka.TopicPartition(member.topic, partition, offset)
            for partition, offset in member.unsettled.items()
        ]
        member.unsettled = {}
        try:
            member.consumer.commit(offsets=offsets, asynchronous=False)
        except self._kafka.KafkaException as error:
            if not _lost_membership(error):
                raise EventBusStorageError(
                    f"{self.name}: committing {member.topic!r}: {error}"
                ) from error

    def heartbeat(self, topic: str, group: str, consumer: str) -> None:
        """Nothing to do: librdkafka sends the group heartbeats from its own thread."""

    def release(self, topic: str, group: str, consumer: str) -> None:
        """Leave the group, so that its partitions pass on at once."""
        with self._lock:
            member = self._members.pop((topic, group, consumer), None)
        if member is not None:
            with member.lock:
                try:
                    self._settle_member(member)
                finally:
                    member.close()

    def _release_group(self, topic: str, group: str) -> None:
        for key in [k for k in self._members if k[:2] == (topic, group)]:
            self.release(*key)

    def seek(self, topic: str, group: str, position: Position | None) -> None:
        """Commit ``position`` for its partition (``None``: every partition from the start).

        The group's members in this process leave first; on a cluster the group must have no
        other live members, or the broker refuses the offsets.
        """
        self._release_group(topic, group)
        self._settle(topic)
        if position is None:
            offsets = {partition: low for partition, low, _high in self.admin.partitions(topic)}
        else:
            partition, offset = _position(position)
            offsets = {partition: offset}
        self.admin.commit_offsets(topic, group, offsets)

    def seek_to_time(self, topic: str, group: str, when: datetime) -> None:
        """Make ``group`` deliver again, on every partition, what was appended since ``when``."""
        self._release_group(topic, group)
        self._settle(topic)
        self.admin.commit_offsets(topic, group, self.admin.offsets_at(topic, self._moved(when)))

    def position_at(self, topic: str, when: datetime) -> Position:
        """The first position, in (partition, offset) order, of a record appended since ``when``.

        On a topic of several partitions, :meth:`seek_to_time` is what replays every one.
        """
        offsets = self.admin.offsets_at(topic, self._moved(when))
        ends = {partition: high for partition, _low, high in self.admin.partitions(topic)}
        for partition in sorted(offsets):
            if offsets[partition] < ends[partition]:
                return (partition, offsets[partition])
        last = max(ends) if ends else 0
        return (last, ends.get(last, 0))

    def _moved(self, when: datetime) -> datetime:
        return when + timedelta(seconds=self._skew) if self._skew else when

    def parse_position(self, text: str) -> Position:
        """``(partition, offset)`` from ``"(0, 5)"`` or ``"0:5"``.

        Raises:
            ValueError: ``text`` is no Kafka position.
        """
        match = _POSITION.match(text.strip())
        if match is None:
            raise ValueError(f"a Kafka position is (partition, offset), not {text!r}")
        return (int(match[1]), int(match[2]))

    def processed(self, topic: str, group: str, event_ids: Iterable[str]) -> set[str]:
        """Kafka keeps no idempotency guard: no id is reported as processed."""
        return set()

    # --- inspection and retention -----------------------------------------------------------

    def trim(self, topic: str, *, before: datetime, unconsumed: bool = False) -> int:
        """Delete the records appended before ``before`` (only those every group committed).

        Records this process handed out from what was deleted are taken back.
        """
        self._settle(topic)
        deleted = self.admin.trim(
            kafka_topic(topic), before=self._moved(before), unconsumed=unconsumed
        )
        if deleted:
            lows = {partition: low for partition, low, _high in self.admin.partitions(topic)}
            for (member_topic, _group, _consumer), member in list(self._members.items()):
                if member_topic == topic:
                    with member.lock:
                        member.drop_below(lows)
        return deleted

    def topics(self) -> list[TopicInfo]:
        """Every topic of the cluster but Kafka's internal ones."""
        return self.admin.topics()

    def groups(self, topic: str) -> list[GroupInfo]:
        """The groups with offsets committed on ``topic``; ``pending`` counts this process's."""
        self._settle(topic)
        infos = self.admin.groups(topic)
        held: dict[str, int] = {}
        for (member_topic, group, _consumer), member in list(self._members.items()):
            if member_topic == topic:
                held[group] = held.get(group, 0) + len(member.pending)
        found = [
            GroupInfo(
                topic=info.topic,
                group=info.group,
                committed=info.committed,
                lag=info.lag,
                pending=held.get(info.group, 0),
                consumers=info.consumers,
                partitions=info.partitions,
            )
            for info in infos
        ]
        # Groups of this process that have committed nothing yet have everything to do.
        known = {info.group for info in infos}
        partitions = self.admin.partitions(topic)
        length = sum(high - low for _p, low, high in partitions)
        untouched = tuple(PartitionInfo(p, None, high - low) for p, low, high in partitions)
        for group in sorted(set(held) - known):
            consumers = tuple(sorted(k[2] for k in self._members if k[:2] == (topic, group)))
            found.append(GroupInfo(topic, group, None, length, held[group], consumers, untouched))
        return sorted(found, key=lambda info: info.group)

    def close(self) -> None:
        """Leave every group and deliver what is buffered."""
        for key in list(self._members):
            self.release(*key)
        try:
            self.writer.close()
        finally:
            self.admin.close()


def _let_go(messages: list[Any]) -> Iterator[Any]:
    """The messages, each dropped from ``messages`` as it is taken.

    A confluent-kafka message keeps its headers (a list of tuples) once read: a batch kept
    whole until its records are made survives several of the garbage collector's passes and
    reaches its oldest generation, whose growth sets off full collections of the process's
    heap. Let go one by one, each message and its headers are freed once its record is made.
    """
    messages.reverse()
    pop = messages.pop
    while messages:
        yield pop()


def _position(position: Any) -> tuple[int, int]:
    # Every committed record passes here: no generator, no new tuple.
    if type(position) is tuple and len(position) == 2:
        partition, offset = position
        if isinstance(partition, int) and isinstance(offset, int):
            return position
    raise TypeError(f"a Kafka position is (partition, offset), not {position!r}")


def _lost_membership(error: Any) -> bool:
    from confluent_kafka import KafkaError  # noqa: PLC0415  (an optional extra)

    code = error.args[0].code() if error.args else None
    return code in {
        KafkaError.ILLEGAL_GENERATION,
        KafkaError.UNKNOWN_MEMBER_ID,
        KafkaError.REBALANCE_IN_PROGRESS,
        KafkaError._ASSIGNMENT_LOST,
        KafkaError._NO_OFFSET,
    }
