"""Cluster-level Kafka calls of the backend: topics, watermarks, offsets, groups, retention."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.event_bus._private.records import PartitionInfo, TopicInfo
from openedx_events.event_bus.kafka._settings import confluent_kafka

__all__ = ["GroupOffsets", "KafkaAdmin"]

_TIMEOUT = 10.0


@attrs.frozen
class GroupOffsets:
    """A group's committed state on one topic, as the cluster reports it."""

    topic: str
    group: str
    committed: tuple[int, int] | None
    lag: int
    offsets: Mapping[int, int]
    consumers: tuple[str, ...]
    partitions: tuple[PartitionInfo, ...]


class KafkaAdmin:
    """An admin client and a group-less consumer for one cluster."""

    def __init__(self, config: Mapping[str, Any], *, partitions: int = 1) -> None:
        self._kafka = confluent_kafka()
        from confluent_kafka.admin import AdminClient  # noqa: PLC0415  (an optional extra)

        self.config = dict(config)
        self.partitions_per_topic = partitions
        self._client: Any = AdminClient(self.config)
        self._known: set[str] = set()
        self._reader: Any = None
        self._lock = threading.Lock()

    def _fail(self, doing: str, error: Exception) -> EventBusStorageError:
        return self._error(f"{doing}: {error}")

    def _error(self, text: str) -> EventBusStorageError:
        return EventBusStorageError(f"kafka:{self.config.get('bootstrap.servers')}: {text}")

    def ensure_topic(self, topic: str) -> None:
        """Create ``topic`` (with the configured partition count) unless it exists."""
        if topic in self._known:
            return
        from confluent_kafka.cimpl import NewTopic  # noqa: PLC0415

        try:
            if topic not in self.client.list_topics(timeout=_TIMEOUT).topics:
                futures = self.client.create_topics([NewTopic(topic, self.partitions_per_topic, 1)])
                try:
                    futures[topic].result(_TIMEOUT)
                except self._kafka.KafkaException as error:
                    if error.args[0].code() != self._kafka.KafkaError.TOPIC_ALREADY_EXISTS:
                        raise
        except self._kafka.KafkaException as error:
            raise self._fail(f"creating topic {topic!r}", error) from error
        self._known.add(topic)

    @property
    def client(self) -> Any:
        """The admin client; raises :class:`EventBusStorageError` once closed."""
        client = self._client
        if client is None:
            raise self._error("closed")
        return client

    def _consumer(self) -> Any:
        with self._lock:
            if self._reader is None:
                if self._client is None:  # closed: no reader is opened again
                    raise self._error("closed")
                self._reader = self._kafka.Consumer(
                    {
                        **self.config,
                        "group.id": "openedx-events.inspection",
                        "enable.auto.commit": False,
                        "enable.partition.eof": True,
                    }
                )
            return self._reader

    def close(self) -> None:
        """Close the group-less consumer and let go of the admin client.

        confluent-kafka's admin client has no ``close``: its handle, and its connections to
        the brokers, go when nothing refers to it any more.
        """
        with self._lock:
            reader, self._reader = self._reader, None
            self._client = None
        if reader is not None:
            reader.close()

    def partitions(self, topic: str) -> list[tuple[int, int, int]]:
        """``(partition, low watermark, high watermark)`` of each partition, in order."""
        try:
            metadata = self.client.list_topics(topic, timeout=_TIMEOUT).topics.get(topic)
            if metadata is None or metadata.error is not None:
                return []
            consumer = self._consumer()
            found = []
            for partition in sorted(metadata.partitions):
                tp = self._kafka.TopicPartition(topic, partition)
                low, high = consumer.get_watermark_offsets(tp, timeout=_TIMEOUT)
                found.append((partition, low, high))
            return found
        except self._kafka.KafkaException as error:
            raise self._fail(f"reading the partitions of {topic!r}", error) from error

    def fetch(self, topic: str, partition: int, start: int, end: int, limit: int) -> list[Any]:
        """Up to ``limit`` messages of one partition from offset ``start`` until ``end``."""
        consumer = self._consumer()
        with self._lock:
            consumer.assign([self._kafka.TopicPartition(topic, partition, start)])
            messages: list[Any] = []
            # Until the end offset, however slow the fetches: an empty answer is no end.
            deadline = time.monotonic() + _TIMEOUT
            try:
                while len(messages) < limit and time.monotonic() < deadline:
                    batch = consumer.consume(num_messages=limit - len(messages), timeout=0.5)
                    messages.extend(m for m in batch if m.error() is None)
                    if messages and messages[-1].offset() >= end - 1:
                        break
                    if any(_at_end(m, self._kafka) for m in batch):
                        break
            finally:
                consumer.unassign()
            return [m for m in messages if m.offset() < end][:limit]

    def commit_offsets(self, topic: str, group: str, offsets: Mapping[int, int]) -> None:
        """Set ``group``'s committed offsets on ``topic`` (the group must have no live member)."""
        consumer = self._kafka.Consumer(
            {**self.config, "group.id": group, "enable.auto.commit": False}
        )
        try:
            consumer.commit(
                offsets=[
                    self._kafka.TopicPartition(topic, partition, offset)
                    for partition, offset in offsets.items()
                ],
                asynchronous=False,
            )
        except self._kafka.KafkaException as error:
            raise self._fail(f"moving group {group!r} on {topic!r}", error) from error
        finally:
            consumer.close()

    def offsets_at(self, topic: str, when: datetime) -> dict[int, int]:
        """Per partition, the offset of the first record appended at or after ``when``."""
        millis = int(when.timestamp() * 1000)
        partitions = self.partitions(topic)
        query = [self._kafka.TopicPartition(topic, p, millis) for p, _low, _high in partitions]
        ends = {partition: high for partition, _low, high in partitions}
        if not query:
            return {}
        try:
            found = self._consumer().offsets_for_times(query, timeout=_TIMEOUT)
        except self._kafka.KafkaException as error:
            raise self._fail(f"finding offsets of {topic!r} by time", error) from error
        # -1: no record that recent, so the end of the partition.
        return {tp.partition: tp.offset if tp.offset >= 0 else ends[tp.partition] for tp in found}

    def topics(self) -> list[TopicInfo]:
        """Every topic but the cluster's internal ones, by name."""
        try:
            names = sorted(self.client.list_topics(timeout=_TIMEOUT).topics)
        except self._kafka.KafkaException as error:
            raise self._fail("listing topics", error) from error
        infos = []
        for name in names:
            if name.startswith("__"):
                continue
            partitions = self.partitions(name)
            filled = [(p, high) for p, low, high in partitions if high > 0]
            last = max(filled, key=lambda item: (item[0], item[1])) if filled else None
            infos.append(
                TopicInfo(
                    name=name,
                    length=sum(high - low for _p, low, high in partitions),
                    last_position=None if last is None else (last[0], last[1] - 1),
                    partitions=len(partitions),
                )
            )
        return infos

    def _group_ids(self) -> list[str]:
        try:
            listed = self.client.list_consumer_groups().result(_TIMEOUT)
        except self._kafka.KafkaException as error:
            raise self._fail("listing consumer groups", error) from error
        return sorted(g.group_id for g in listed.valid if g.group_id != "openedx-events.inspection")

    def groups(self, topic: str) -> list[GroupOffsets]:
        """The groups that committed offsets on ``topic``, with their lag."""
        from confluent_kafka import ConsumerGroupTopicPartitions  # noqa: PLC0415

        partitions = self.partitions(topic)
        found = []
        for group in self._group_ids():
            request = ConsumerGroupTopicPartitions(
                group, [self._kafka.TopicPartition(topic, p) for p, _low, _high in partitions]
            )
            try:
                result = self.client.list_consumer_group_offsets([request])[group].result(_TIMEOUT)
                description = self.client.describe_consumer_groups([group])[group].result(_TIMEOUT)
            except self._kafka.KafkaException as error:
                raise self._fail(f"reading group {group!r}", error) from error
            offsets = {
                tp.partition: tp.offset for tp in result.topic_partitions or () if tp.offset >= 0
            }
            if not offsets:
                continue
            per_partition = tuple(
                PartitionInfo(p, offsets.get(p), high - max(offsets.get(p, low), low))
                for p, low, high in partitions
            )
            lag = sum(info.lag for info in per_partition)
            last = max(offsets)
            found.append(
                GroupOffsets(
                    topic=topic,
                    group=group,
                    committed=(last, offsets[last] - 1),
                    lag=lag,
                    offsets=offsets,
                    consumers=tuple(sorted(m.client_id for m in description.members)),
                    partitions=per_partition,
                )
            )
        return found

    def trim(self, topic: str, *, before: datetime, unconsumed: bool) -> int:
        """Delete records older than ``before``; without ``unconsumed``, only committed ones."""
        cutoff = self.offsets_at(topic, before)
        if not unconsumed:
            groups = self.groups(topic)
            if not groups:
                return 0
            for partition in list(cutoff):
                committed = min(g.offsets.get(partition, 0) for g in groups)
                cutoff[partition] = min(cutoff[partition], committed)
        lows = {partition: low for partition, low, _high in self.partitions(topic)}
        wanted = [
            self._kafka.TopicPartition(topic, partition, offset)
            for partition, offset in cutoff.items()
            if offset > lows.get(partition, 0)
        ]
        if not wanted:
            return 0
        try:
            for future in self.client.delete_records(wanted).values():
                future.result(_TIMEOUT)
        except self._kafka.KafkaException as error:
            raise self._fail(f"trimming {topic!r}", error) from error
        return sum(tp.offset - lows.get(tp.partition, 0) for tp in wanted)


def _at_end(message: Any, kafka: Any) -> bool:
    error = message.error()
    return error is not None and error.code() == kafka.KafkaError._PARTITION_EOF
