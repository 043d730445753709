"""The Redis Streams backend: a topic is a stream, a consumer group is a Redis consumer group.

Entries hold exactly the fields the reference's Redis bus writes (the metadata headers and
``event_data``), so both read each other's streams. A claim is the consumer's pending entries
list: its own unacknowledged entries first (``XREADGROUP ... 0``), then entries idle for
longer than the claim timeout (``XAUTOCLAIM``), then new ones (``XREADGROUP ... >``), all in
one round trip. Acknowledging, heartbeats and releases touch only the entries the consumer
still holds (see ``_scripts``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from openedx_events.event_bus._private.backend import DEFAULT_CLAIM_TIMEOUT, Backend
from openedx_events.event_bus._private.records import (
    GroupInfo,
    Message,
    Position,
    Record,
    TopicInfo,
    check_topic,
    record_of,
)
from openedx_events.event_bus._private.topics import DEAD_LETTER_SUFFIX
from openedx_events.event_bus.redis._connection import (
    connect,
    redacted,
    send,
    send_all,
    storage_errors,
    transaction,
)
from openedx_events.event_bus.redis._ids import StreamId, before, stream_id, stream_id_at
from openedx_events.event_bus.redis._scripts import (
    ACK_OWNED,
    TOUCH_OWNED,
    evalsha,
    script_missing,
)
from openedx_events.event_bus.redis._trimming import TrimWatch

__all__ = ["DEFAULT_MAX_PAYLOAD", "RedisBackend"]

log = logging.getLogger("openedx_events.event_bus.redis")

DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024
_PAYLOAD = b"event_data"
_RELEASED_IDLE_MS = 10**12  # idle "for ever": the next claim by anyone takes the entries
_START = StreamId("0-0")
# The field names of entries, decoded once: every entry has the metadata's (the reference
# writes the same ones), traced ones the trace context's.
_NAMES = {
    name.encode(): name
    for name in (
        *("type", "id", "source", "time", "minorversion", "sourcehost", "sourcelib"),
        *("traceparent", "tracestate"),
    )
}


def _text(value: bytes) -> str:
    return value.decode("utf-8")


def _record(topic: str, entry_id: bytes, fields: list[bytes], max_payload: int) -> Record:
    """The record of one entry (its raw field list); a malformed entry has a defect."""
    text_id = entry_id.decode("ascii")
    defect = None
    headers: dict[str, str] = {}
    payload = None
    pairs = iter(fields)
    names = _NAMES
    try:
        for name, value in zip(pairs, pairs, strict=True):
            if name == _PAYLOAD:
                payload = value
            else:
                headers[names.get(name) or name.decode()] = value.decode()
    except UnicodeDecodeError as error:
        defect = f"a field of the entry is not UTF-8 text: {error}"
    if payload is None:
        defect = defect or "the entry has no event_data field"
        payload = b""
    elif len(payload) > max_payload:
        defect = defect or f"event_data of {len(payload):,} bytes exceeds {max_payload:,} bytes"
        payload = payload[:max_payload]
    return record_of(
        topic,
        StreamId(text_id),
        headers,
        payload,
        appended_at=int(text_id.partition("-")[0]) / 1000,
        defect=defect,
    )


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


class RedisBackend(Backend):
    """Topics as Redis streams at ``url`` (``redis://``, ``rediss://``, ``unix://``).

    Args:
        url: where Redis is; a user name and password in it authenticate (Redis ACL).
        claim_timeout: seconds after which a silent consumer's entries pass to another.
        max_len: ``XADD ... MAXLEN ~`` bound of every stream but dead-letter ones (``None``:
            no bound); a group that has not read what trimming would delete is warned about.
        socket_timeout: the longest any Redis call may take, in seconds.
        max_payload: entries whose ``event_data`` is larger are dead-lettered, not decoded.
        client_options: passed to redis-py (``ssl_ca_certs`` and other TLS options).
    """

    stores_keys = False

    def __init__(
        self,
        url: str,
        *,
        claim_timeout: float = DEFAULT_CLAIM_TIMEOUT,
        max_len: int | None = None,
        socket_timeout: float = 5.0,
        max_payload: int = DEFAULT_MAX_PAYLOAD,
        **client_options: Any,
    ) -> None:
        self.url = url
        self.name = f"redis:{redacted(url)}"
        self.claim_timeout = claim_timeout
        self.max_len = max_len
        self.socket_timeout = socket_timeout
        self.max_payload = max_payload
        self.client = connect(url, socket_timeout=socket_timeout, **client_options)
        self._where = redacted(url)
        self._touch = self.client.register_script(TOUCH_OWNED)
        self._groups_made: set[tuple[str, str]] = set()
        self._next_takeover: dict[tuple[str, str, str], float] = {}
        self._trim_watch = TrimWatch(self, max_len)

    # --- writing --------------------------------------------------------------------------

    def append(self, topic: str, messages: Sequence[Message]) -> list[Position]:
        check_topic(topic)
        if not messages:
            return []
        trim = (
            ("MAXLEN", "~", self.max_len)
            if self.max_len is not None and not topic.endswith(DEAD_LETTER_SUFFIX)
            else ()
        )
        with storage_errors(self._where):
            commands = [("XADD", topic, *trim, "*", *_fields(m)) for m in messages]
            ids = transaction(self.client, commands)
        if trim:
            self._trim_watch.appended(topic, len(messages))
        return [StreamId(i.decode("ascii")) for i in ids]

    # --- reading --------------------------------------------------------------------------

    def read(self, topic: str, *, after: Position | None = None, limit: int = 100) -> list[Record]:
        check_topic(topic)
        start = "-" if after is None else f"({stream_id(after)}"
        with storage_errors(self._where):
            entries = send(self.client, ("XRANGE", topic, start, "+", "COUNT", limit))
        return [_record(topic, entry_id, fields, self.max_payload) for entry_id, fields in entries]

    def _make_group(self, topic: str, group: str, at: str = "0") -> None:
        import redis  # noqa: PLC0415  (optional dependency, present once a client exists)

        try:
            self.client.xgroup_create(topic, group, at, mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        self._groups_made.add((topic, group))

    def claim(
        self, topic: str, group: str, consumer: str, *, limit: int = 100, wait: float = 0.0
    ) -> list[Record]:
        check_topic(topic)
        import redis  # noqa: PLC0415  (optional dependency, present once a client exists)

        with storage_errors(self._where):
            try:
                return self._claim(topic, group, consumer, limit, wait)
            except redis.ResponseError as error:
                if "NOGROUP" not in str(error):
                    raise
            # The stream or the group was deleted behind our back: make it again.
            self._groups_made.discard((topic, group))
            return self._claim(topic, group, consumer, limit, wait)

    def _claim(
        self, topic: str, group: str, consumer: str, limit: int, wait: float
    ) -> list[Record]:
        if (topic, group) not in self._groups_made:
            self._make_group(topic, group)
        read = ("XREADGROUP", "GROUP", group, consumer, "COUNT", limit, "STREAMS", topic)
        # XAUTOCLAIM scans the group's pending entries; entries only become claimable after
        # the claim timeout, so looking ten times per timeout is soon enough.
        now = time.monotonic()
        if now >= self._next_takeover.get((topic, group, consumer), 0.0):
            self._next_takeover[(topic, group, consumer)] = now + self.claim_timeout / 10
            takeover = ("XAUTOCLAIM", topic, group, consumer, _ms(self.claim_timeout), "0-0")
            own, autoclaimed, new = send_all(
                self.client, (*read, "0"), (*takeover, "COUNT", limit), (*read, ">")
            )
            stale = list(autoclaimed[1])
        else:
            own, new = send_all(self.client, (*read, "0"), (*read, ">"))
            stale = []
        new_entries = _entries(new)
        entries = _entries(own) + stale + new_entries
        if not entries and wait > 0:
            # Well inside the socket timeout, so a wait is never taken for a dead server.
            block = max(1, _ms(min(wait, self.socket_timeout / 2)))
            blocking = ("XREADGROUP", "GROUP", group, consumer, "COUNT", limit, "BLOCK", block)
            blocked = send(self.client, (*blocking, "STREAMS", topic, ">"))
            entries = new_entries = _entries(blocked)
        gone = [entry_id for entry_id, fields in entries if entry_id and not fields]
        if gone:  # trimmed while pending: nothing is left to deliver or dead-letter
            log.warning(
                "%d pending entries of %r were trimmed before group %r handled them",
                len(gone),
                topic,
                group,
            )
            self.client.xack(topic, group, *gone)
        max_payload = self.max_payload
        if len(entries) == len(new_entries):  # only new entries: in order, each once
            return [_record(topic, i, f, max_payload) for i, f in entries[:limit]]
        unique = {entry_id: fields for entry_id, fields in entries if entry_id and fields}
        records = [_record(topic, i, f, max_payload) for i, f in unique.items()]
        records.sort(key=lambda record: stream_id(record.position).parts)
        return records[:limit]

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
        ids = list(dict.fromkeys(str(record.position) for record in records))
        processed = list(processed_ids)
        # A commit is also a heartbeat for the rest of the batch, as on every backend.
        commands = [
            evalsha(ACK_OWNED, (topic,), (group, consumer, *ids)),
            evalsha(TOUCH_OWNED, (topic,), (group, consumer, 0)),
        ]
        if processed:
            now = time.time()
            key = _processed_key(topic, group)
            commands.append(("ZADD", key, *(part for i in processed for part in (now, i))))
        with storage_errors(self._where):
            # EVALSHA straight away (redis-py's scripts in a pipeline first ask SCRIPT EXISTS:
            # a round trip more); a script Redis does not know did not run, so running it
            # again in full is safe.
            replies = send_all(self.client, *commands, errors_as_replies=True)
            for index, (script, reply) in enumerate(
                zip((ACK_OWNED, TOUCH_OWNED), replies[:2], strict=True)
            ):
                if script_missing(reply):
                    replies[index] = send(self.client, ("EVAL", script, *commands[index][2:]))
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
        return int(replies[0]) == len(ids)

    def heartbeat(self, topic: str, group: str, consumer: str) -> None:
        with storage_errors(self._where):
            self._touch(keys=[topic], args=[group, consumer, 0])

    def release(self, topic: str, group: str, consumer: str) -> None:
        with storage_errors(self._where):
            if (topic, group) in self._groups_made or self.client.exists(topic):
                self._touch(keys=[topic], args=[group, consumer, _RELEASED_IDLE_MS])

    def seek(self, topic: str, group: str, position: Position | None) -> None:
        check_topic(topic)
        start = _START if position is None else stream_id(position)
        at = str(before(start)) if start != _START else "0"
        # Recreating the group drops every pending entry (every claim) in the same step.
        with storage_errors(self._where):
            pipe = self.client.pipeline(transaction=True)
            pipe.execute_command("XGROUP", "DESTROY", topic, group)
            pipe.execute_command("XGROUP", "CREATE", topic, group, at, "MKSTREAM")
            created = pipe.execute(raise_on_error=False)[-1]
            if isinstance(created, Exception):
                raise created
        self._groups_made.add((topic, group))

    def position_at(self, topic: str, when: datetime) -> Position:
        check_topic(topic)
        start = stream_id_at(when)
        with storage_errors(self._where):
            found = self.client.xrange(topic, str(start), "+", count=1)
        return StreamId(found[0][0].decode("ascii")) if found else start

    def parse_position(self, text: str) -> Position:
        return stream_id(text)

    def processed(self, topic: str, group: str, event_ids: Iterable[str]) -> set[str]:
        wanted = list(event_ids)
        if not wanted:
            return set()
        with storage_errors(self._where):
            scores = self.client.zmscore(_processed_key(topic, group), wanted)
        return {event_id for event_id, score in zip(wanted, scores, strict=True) if score}

    # --- housekeeping and inspection ------------------------------------------------------

    def handled_before(self, topic: str) -> StreamId | None:
        """The id before which every group of ``topic`` handled every entry (``None``: no group)."""
        with storage_errors(self._where):
            groups = self.client.xinfo_groups(topic) if self.client.exists(topic) else []
            bounds = []
            for info in groups:
                bound = stream_id(info["last-delivered-id"]).next()
                if info["pending"]:
                    summary = self.client.xpending(topic, info["name"])
                    if summary["min"] is not None:  # not acknowledged in the meantime
                        bound = min(bound, stream_id(summary["min"]))
                bounds.append(bound)
        return min(bounds, default=None)

    def trim(self, topic: str, *, before: datetime, unconsumed: bool = False) -> int:
        check_topic(topic)
        cutoff = stream_id_at(before)
        if not unconsumed:
            handled = self.handled_before(topic)
            if handled is None:
                return 0
            cutoff = min(cutoff, handled)
        with storage_errors(self._where):
            deleted = int(self.client.xtrim(topic, minid=str(cutoff), approximate=False))
            names = [info["name"] for info in self._groups_info(topic)]
            if names:
                pipe = self.client.pipeline(transaction=False)
                for name in names:
                    pipe.zremrangebyscore(
                        _processed_key(topic, _text(name)), "-inf", f"({before.timestamp()}"
                    )
                pipe.execute()
        return deleted

    def length(self, topic: str) -> int:
        """How many entries ``topic`` holds."""
        with storage_errors(self._where):
            return int(self.client.xlen(topic))

    def _groups_info(self, topic: str) -> list[dict[str, Any]]:
        import redis  # noqa: PLC0415  (optional dependency, present once a client exists)

        try:
            return list(self.client.xinfo_groups(topic))
        except redis.ResponseError:  # no such stream
            return []

    def topics(self) -> list[TopicInfo]:
        found = []
        with storage_errors(self._where):
            names = sorted(self.client.scan_iter(_type="stream", count=1000))
            for name in names:
                info = self.client.xinfo_stream(name)
                last = stream_id(info["last-generated-id"])
                if last != _START:  # made for a group, never written to
                    found.append(TopicInfo(_text(name), int(info["length"]), last))
        return found

    def groups(self, topic: str) -> list[GroupInfo]:
        found = []
        with storage_errors(self._where):
            for info in sorted(self._groups_info(topic), key=lambda i: i["name"]):
                name = _text(info["name"])
                delivered = stream_id(info["last-delivered-id"])
                pending = int(info["pending"])
                committed: StreamId | None = delivered
                consumers: tuple[str, ...] = ()
                summary = self.client.xpending(topic, name) if pending else None
                # Counted again: a consumer may have acknowledged entries since XINFO GROUPS.
                pending = int(summary["pending"]) if summary else 0
                if summary and summary["min"] is not None:
                    # Every entry before the oldest pending one was handled.
                    oldest = stream_id(summary["min"])
                    handled = self.client.xrevrange(topic, f"({oldest}", "-", count=1)
                    committed = StreamId(handled[0][0].decode("ascii")) if handled else None
                    consumers = tuple(
                        sorted(_text(c["name"]) for c in summary["consumers"] if c["pending"])
                    )
                unread = info.get("lag")
                if unread is None:  # Redis could not tell (after deletions): count them
                    unread = len(self.client.xrange(topic, f"({delivered}", "+"))
                found.append(
                    GroupInfo(
                        topic,
                        name,
                        None if committed == _START else committed,
                        pending + int(unread),
                        pending,
                        consumers,
                    )
                )
        return found

    def close(self) -> None:
        self.client.close()


def _fields(message: Message) -> list[Any]:
    fields: list[Any] = []
    for name, value in message.headers.items():
        fields += (name, value)
    fields += (_PAYLOAD, message.payload)
    return fields


def _entries(reply: Any) -> list[tuple[bytes, list[bytes]]]:
    """The entries (id, raw field list) of an ``XREADGROUP`` reply on one stream."""
    if not reply:
        return []
    if isinstance(reply, dict):  # RESP3 (redis-py 8 speaks it by default): {stream: entries}
        return list(next(iter(reply.values())))
    return list(reply[0][1])  # RESP2: [[stream, entries]]


def _processed_key(topic: str, group: str) -> str:
    # Length-prefixed, so no topic and group pair can spell another's key.
    return f"openedx-events:processed:{len(topic)}:{topic}:{group}"
