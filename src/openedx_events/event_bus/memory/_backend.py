"""A backend that keeps topics and groups in this process's memory."""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from openedx_events.event_bus._private.backend import DEFAULT_CLAIM_TIMEOUT, Backend
from openedx_events.event_bus._private.consumer import BusConsumer
from openedx_events.event_bus._private.producer import BusProducer
from openedx_events.event_bus._private.records import (
    GroupInfo,
    Message,
    Position,
    Record,
    TopicInfo,
    check_topic,
    int_position,
)

__all__ = ["MemoryBackend", "create_consumer", "create_producer", "default_backend"]


@attrs.define
class _Claim:
    first: int
    last: int
    done: int
    consumer: str
    heartbeat: float


@attrs.define
class _Group:
    next_position: int = 0
    claims: list[_Claim] = attrs.Factory(list)
    processed: dict[str, float] = attrs.Factory(dict)  # event id -> when it was committed

    def committed(self) -> int:
        """How far the group handled every record."""
        return max(0, min([c.done for c in self.claims] + [self.next_position - 1]))


class MemoryBackend(Backend):
    """Topics and consumer groups held in memory; safe to share between threads."""

    def __init__(
        self,
        *,
        claim_timeout: float = DEFAULT_CLAIM_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = f"memory:{id(self):x}"
        self.claim_timeout = claim_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._last_position = 0
        self._records: dict[str, list[Record]] = {}
        self._positions: dict[str, list[int]] = {}
        self._groups: dict[tuple[str, str], _Group] = {}
        self._topic_last: dict[str, int] = {}  # topic -> the last position it gave

    def append(self, topic: str, messages: Sequence[Message]) -> list[Position]:
        check_topic(topic)
        with self._lock:
            now = self._clock()
            records = self._records.setdefault(topic, [])
            positions = self._positions.setdefault(topic, [])
            appended: list[Position] = []
            for message in messages:
                self._last_position += 1
                record = Record(
                    topic=topic,
                    position=self._last_position,
                    headers=message.headers,
                    payload=message.payload,
                    key=message.key,
                    appended_at=now,
                )
                records.append(record)
                positions.append(self._last_position)
                appended.append(self._last_position)
            if appended:
                self._topic_last[topic] = self._last_position
            return appended

    def _slice(self, topic: str, after: int, upto: int | None, limit: int) -> list[Record]:
        positions = self._positions.get(topic, [])
        start = bisect.bisect_right(positions, after)
        end = len(positions) if upto is None else bisect.bisect_right(positions, upto)
        return self._records.get(topic, [])[start : min(end, start + limit)]

    def read(self, topic: str, *, after: Position | None = None, limit: int = 100) -> list[Record]:
        check_topic(topic)
        with self._lock:
            return self._slice(topic, int_position(after), None, limit)

    def claim(
        self, topic: str, group: str, consumer: str, *, limit: int = 100, wait: float = 0.0
    ) -> list[Record]:
        check_topic(topic)
        with self._lock:
            state = self._groups.setdefault((topic, group), _Group())
            now = self._clock()
            mine = [c for c in state.claims if c.consumer == consumer]
            stale = [c for c in state.claims if c.heartbeat < now - self.claim_timeout]
            for claim in mine[:1] or stale[:1]:
                claim.consumer, claim.heartbeat = consumer, now
                return self._slice(topic, claim.done, claim.last, limit)
            records = self._slice(topic, state.next_position - 1, None, limit)
            if records:
                first, last = int_position(records[0].position), int_position(records[-1].position)
                state.claims.append(_Claim(first, last, first - 1, consumer, now))
                state.next_position = last + 1
            return records

    def commit(
        self,
        topic: str,
        group: str,
        consumer: str,
        records: Sequence[Record],
        *,
        processed_ids: Iterable[str] = (),
    ) -> bool:
        if not records:
            return True
        position = max(int_position(record.position) for record in records)
        with self._lock:
            state = self._groups.setdefault((topic, group), _Group())
            for claim in state.claims:
                if claim.consumer == consumer and claim.first <= position <= claim.last:
                    claim.done = max(claim.done, position)
                    claim.heartbeat = self._clock()
                    if claim.done >= claim.last:
                        state.claims.remove(claim)
                    for event_id in processed_ids:
                        state.processed.setdefault(event_id, claim.heartbeat)
                    return True
            return False

    def heartbeat(self, topic: str, group: str, consumer: str) -> None:
        with self._lock:
            now = self._clock()
            for claim in self._groups.get((topic, group), _Group()).claims:
                if claim.consumer == consumer:
                    claim.heartbeat = now

    def release(self, topic: str, group: str, consumer: str) -> None:
        with self._lock:
            for claim in self._groups.get((topic, group), _Group()).claims:
                if claim.consumer == consumer:
                    claim.heartbeat = float("-inf")

    def seek(self, topic: str, group: str, position: Position | None) -> None:
        check_topic(topic)
        with self._lock:
            state = self._groups.setdefault((topic, group), _Group())
            state.claims.clear()
            state.next_position = int_position(position)

    def position_at(self, topic: str, when: datetime) -> Position:
        check_topic(topic)
        moment = when.timestamp()
        with self._lock:
            for record in self._records.get(topic, []):
                if record.appended_at >= moment:
                    return record.position
            return self._last_position + 1

    def processed(self, topic: str, group: str, event_ids: Iterable[str]) -> set[str]:
        with self._lock:
            done = self._groups.get((topic, group), _Group()).processed
            return {event_id for event_id in event_ids if event_id in done}

    def trim(self, topic: str, *, before: datetime, unconsumed: bool = False) -> int:
        check_topic(topic)
        cutoff = before.timestamp()
        with self._lock:
            groups = [state for (name, _), state in self._groups.items() if name == topic]
            if unconsumed:
                upto = self._last_position
            else:
                upto = min((state.committed() for state in groups), default=0)
            records = self._records.get(topic, [])
            kept = [
                r for r in records if int_position(r.position) > upto or r.appended_at >= cutoff
            ]
            self._records[topic] = kept
            self._positions[topic] = [int_position(r.position) for r in kept]
            for state in groups:
                state.processed = {i: t for i, t in state.processed.items() if t >= cutoff}
            return len(records) - len(kept)

    def topics(self) -> list[TopicInfo]:
        with self._lock:
            return [
                TopicInfo(name, len(self._positions[name]), last)
                for name, last in sorted(self._topic_last.items())
            ]

    def groups(self, topic: str) -> list[GroupInfo]:
        with self._lock:
            positions = self._positions.get(topic, [])
            found = []
            for (name, group), state in sorted(self._groups.items()):
                if name != topic:
                    continue
                committed = state.committed()
                pending = sum(
                    bisect.bisect_right(positions, c.last) - bisect.bisect_right(positions, c.done)
                    for c in state.claims
                )
                handed_out = bisect.bisect_right(positions, state.next_position - 1)
                lag = pending + len(positions) - handed_out
                consumers = tuple(sorted({c.consumer for c in state.claims}))
                found.append(GroupInfo(topic, group, committed or None, lag, pending, consumers))
            return found


_default: list[MemoryBackend] = []
_default_lock = threading.Lock()


def default_backend() -> MemoryBackend:
    """The backend shared by every in-memory producer and consumer of this process."""
    with _default_lock:
        if not _default:
            _default.append(MemoryBackend())
        return _default[0]


def create_producer() -> BusProducer:
    """A producer on :func:`default_backend` (for ``EVENT_BUS_PRODUCER``)."""
    return BusProducer(default_backend())


def create_consumer(*, topic: str, group_id: str, **kwargs: Any) -> BusConsumer:
    """A consumer on :func:`default_backend` (for ``EVENT_BUS_CONSUMER``)."""
    return BusConsumer(default_backend(), topic=topic, group_id=group_id, **kwargs)
