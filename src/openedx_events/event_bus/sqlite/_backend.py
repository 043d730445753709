"""The embedded bus backend: topics and consumer groups in one SQLite file (WAL mode)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openedx_events.event_bus._private.backend import DEFAULT_CLAIM_TIMEOUT, Backend
from openedx_events.event_bus._private.records import (
    GroupInfo,
    Message,
    Position,
    Record,
    TopicInfo,
    check_topic,
    int_position,
)
from openedx_events.event_bus.sqlite._connection import ConnectionPool, storage_errors

__all__ = ["DEFAULT_BUSY_TIMEOUT", "SqliteBackend"]

DEFAULT_BUSY_TIMEOUT = 5.0

_RECORD_COLUMNS = "position, key, headers, payload, appended_at"
_Row = tuple[int, Any, Any, Any, Any]


def _record(topic: str, row: _Row) -> Record:
    # A row written by hand or damaged on disk must not stop the consumer: it comes back as a
    # record with a defect, which the consumer dead-letters.
    position, key, raw_headers, payload, appended_at = row
    defect = None
    headers: dict[str, str] = {}
    try:
        decoded = json.loads(raw_headers)
        # A JSON object's keys are always strings: only its values need a look.
        if type(decoded) is not dict or not all(type(v) is str for v in decoded.values()):
            raise ValueError("headers are not an object of strings")
        headers = decoded
    except (TypeError, ValueError) as error:
        defect = f"unreadable headers {str(raw_headers)[:200]!r}: {error}"
    if not isinstance(payload, bytes):
        defect = defect or f"payload is stored as {type(payload).__name__}, not bytes"
        payload = str(payload).encode()
    return Record(
        topic=topic,
        position=position,
        headers=headers,
        payload=payload,
        key=None if key is None else str(key),
        appended_at=float(appended_at) if isinstance(appended_at, int | float) else 0.0,
        defect=defect,
    )


class SqliteBackend(Backend):
    """Topics and consumer groups in the SQLite file at ``path``.

    ``path`` may also be a SQLite ``file:`` URI, such as ``file:/srv/bus.db?mode=ro`` to
    inspect a bus without being able to change it. Any number of producer and consumer
    processes may share the file. ``busy_timeout`` is how
    long a write waits for another writer before failing with a clear error; ``synchronous``
    is SQLite's setting: ``NORMAL`` survives any process crash, ``FULL`` also a power cut.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        claim_timeout: float = DEFAULT_CLAIM_TIMEOUT,
        synchronous: str = "NORMAL",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(f"synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")
        self.path = Path(path)
        self.name = f"sqlite:{self.path}"
        self.busy_timeout = busy_timeout
        self.claim_timeout = claim_timeout
        self._clock = clock
        self._pool = ConnectionPool(
            self.path, busy_timeout=busy_timeout, synchronous=synchronous.upper()
        )

    # --- plumbing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with storage_errors(self.path, self.busy_timeout):
            yield self._pool.get()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with storage_errors(self.path, self.busy_timeout):
            connection = self._pool.get()
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk, for one);
                # a second ROLLBACK would fail and hide the real cause.
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _records(
        self, connection: sqlite3.Connection, topic: str, after: int, upto: int | None, limit: int
    ) -> list[Record]:
        rows = connection.execute(
            f"SELECT {_RECORD_COLUMNS} FROM bus_messages WHERE topic = ? AND position > ?"
            " AND position <= ? ORDER BY position LIMIT ?",
            (topic, after, upto if upto is not None else 2**63 - 1, limit),
        ).fetchall()
        return [_record(topic, row) for row in rows]

    # --- the contract ---------------------------------------------------------------------

    def append(self, topic: str, messages: Sequence[Message]) -> list[Position]:
        check_topic(topic)
        if not messages:
            return []
        now = self._clock()
        rows = [
            (topic, m.key, json.dumps(dict(m.headers)), bytes(m.payload), now) for m in messages
        ]
        with self._write() as connection:
            connection.executemany(
                "INSERT INTO bus_messages (topic, key, headers, payload, appended_at)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            (last,) = connection.execute("SELECT last_insert_rowid()").fetchone()
            connection.execute(
                "INSERT INTO bus_topics (topic, length, last_position) VALUES (?, ?, ?)"
                " ON CONFLICT (topic) DO UPDATE SET length = length + excluded.length,"
                " last_position = excluded.last_position",
                (topic, len(rows), last),
            )
        # Under the write lock AUTOINCREMENT hands out consecutive rowids.
        return list(range(last - len(rows) + 1, last + 1))

    def read(self, topic: str, *, after: Position | None = None, limit: int = 100) -> list[Record]:
        check_topic(topic)
        with self._read() as connection:
            return self._records(connection, topic, int_position(after), None, limit)

    def _has_work(
        self, connection: sqlite3.Connection, topic: str, group: str, consumer: str
    ) -> bool:
        # A read-only look first, so idle consumers poll without taking the write lock.
        (found,) = connection.execute(
            "SELECT EXISTS (SELECT 1 FROM bus_claims WHERE topic = ? AND group_name = ?"
            "  AND (consumer = ? OR heartbeat < ?))"
            " OR EXISTS (SELECT 1 FROM bus_messages WHERE topic = ? AND position >= coalesce("
            "  (SELECT next_position FROM bus_groups WHERE topic = ? AND group_name = ?), 0))",
            (topic, group, consumer, self._clock() - self.claim_timeout, topic, topic, group),
        ).fetchone()
        return bool(found)

    def claim(
        self, topic: str, group: str, consumer: str, *, limit: int = 100, wait: float = 0.0
    ) -> list[Record]:
        check_topic(topic)
        with self._read() as connection:
            if not self._has_work(connection, topic, group, consumer):
                return []
        with self._write() as connection:
            now = self._clock()
            claim = (
                connection.execute(
                    "SELECT first, last, done FROM bus_claims WHERE topic = ? AND group_name = ?"
                    " AND consumer = ? ORDER BY first LIMIT 1",
                    (topic, group, consumer),
                ).fetchone()
                or connection.execute(
                    "SELECT first, last, done FROM bus_claims WHERE topic = ? AND group_name = ?"
                    " AND heartbeat < ? ORDER BY first LIMIT 1",
                    (topic, group, now - self.claim_timeout),
                ).fetchone()
            )
            if claim is not None:
                first, last, done = claim
                connection.execute(
                    "UPDATE bus_claims SET consumer = ?, heartbeat = ?"
                    " WHERE topic = ? AND group_name = ? AND first = ?",
                    (consumer, now, topic, group, first),
                )
                return self._records(connection, topic, done, last, limit)
            row = connection.execute(
                "SELECT next_position FROM bus_groups WHERE topic = ? AND group_name = ?",
                (topic, group),
            ).fetchone()
            next_position = 0 if row is None else row[0]
            records = self._records(connection, topic, next_position - 1, None, limit)
            if records:
                first, last = int_position(records[0].position), int_position(records[-1].position)
                connection.execute(
                    "INSERT INTO bus_claims VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (topic, group, first, last, first - 1, consumer, now),
                )
                connection.execute(
                    "INSERT INTO bus_groups VALUES (?, ?, ?) ON CONFLICT (topic, group_name)"
                    " DO UPDATE SET next_position = excluded.next_position",
                    (topic, group, last + 1),
                )
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
        with self._write() as connection:
            now = self._clock()
            claim = connection.execute(
                "SELECT first, last, done FROM bus_claims WHERE topic = ? AND group_name = ?"
                " AND consumer = ? AND first <= ? AND last >= ?",
                (topic, group, consumer, position, position),
            ).fetchone()
            if claim is None:
                return False
            first, last, done = claim
            if max(done, position) >= last:
                connection.execute(
                    "DELETE FROM bus_claims WHERE topic = ? AND group_name = ? AND first = ?",
                    (topic, group, first),
                )
            else:
                connection.execute(
                    "UPDATE bus_claims SET done = ?, heartbeat = ?"
                    " WHERE topic = ? AND group_name = ? AND first = ?",
                    (max(done, position), now, topic, group, first),
                )
            connection.executemany(
                "INSERT OR IGNORE INTO bus_processed VALUES (?, ?, ?, ?)",
                [(topic, group, event_id, now) for event_id in processed_ids],
            )
            return True

    def heartbeat(self, topic: str, group: str, consumer: str) -> None:
        with self._write() as connection:
            connection.execute(
                "UPDATE bus_claims SET heartbeat = ? WHERE topic = ? AND group_name = ?"
                " AND consumer = ?",
                (self._clock(), topic, group, consumer),
            )

    def release(self, topic: str, group: str, consumer: str) -> None:
        with self._write() as connection:
            connection.execute(
                "UPDATE bus_claims SET heartbeat = -1e308 WHERE topic = ? AND group_name = ?"
                " AND consumer = ?",
                (topic, group, consumer),
            )

    def seek(self, topic: str, group: str, position: Position | None) -> None:
        check_topic(topic)
        position = int_position(position)
        with self._write() as connection:
            connection.execute(
                "DELETE FROM bus_claims WHERE topic = ? AND group_name = ?", (topic, group)
            )
            connection.execute(
                "INSERT INTO bus_groups VALUES (?, ?, ?) ON CONFLICT (topic, group_name)"
                " DO UPDATE SET next_position = excluded.next_position",
                (topic, group, position),
            )

    def position_at(self, topic: str, when: datetime) -> Position:
        check_topic(topic)
        with self._read() as connection:
            (found,) = connection.execute(
                "SELECT min(position) FROM bus_messages WHERE topic = ? AND appended_at >= ?",
                (topic, when.timestamp()),
            ).fetchone()
            if found is not None:
                return int(found)
            (last,) = connection.execute(
                "SELECT coalesce(max(position), 0) FROM bus_messages"
            ).fetchone()
            return int(last) + 1

    def processed(self, topic: str, group: str, event_ids: Iterable[str]) -> set[str]:
        wanted = list(event_ids)
        found: set[str] = set()
        with self._read() as connection:
            for start in range(0, len(wanted), 500):  # stay under SQLite's parameter limit
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                found.update(
                    row[0]
                    for row in connection.execute(
                        "SELECT event_id FROM bus_processed WHERE topic = ? AND group_name = ?"
                        f" AND event_id IN ({marks})",
                        (topic, group, *chunk),
                    )
                )
        return found

    def trim(self, topic: str, *, before: datetime, unconsumed: bool = False) -> int:
        check_topic(topic)
        cutoff = before.timestamp()
        with self._write() as connection:
            upto = 2**63 - 1 if unconsumed else self._committed_by_every_group(connection, topic)
            deleted = connection.execute(
                "DELETE FROM bus_messages WHERE topic = ? AND position <= ? AND appended_at < ?",
                (topic, upto, cutoff),
            ).rowcount
            connection.execute(
                "UPDATE bus_topics SET length = length - ? WHERE topic = ?", (deleted, topic)
            )
            connection.execute(
                "DELETE FROM bus_processed WHERE topic = ? AND processed_at < ?", (topic, cutoff)
            )
        return int(deleted)

    def _committed_by_every_group(self, connection: sqlite3.Connection, topic: str) -> int:
        groups = connection.execute(
            "SELECT group_name, next_position FROM bus_groups WHERE topic = ?", (topic,)
        ).fetchall()
        return min(
            (
                self._committed(connection, topic, group, next_position)[0]
                for group, next_position in groups
            ),
            default=0,
        )

    @staticmethod
    def _committed(
        connection: sqlite3.Connection, topic: str, group: str, next_position: int
    ) -> tuple[int, list[tuple[int, int, str]]]:
        """How far ``group`` handled every record, and its claims (done, last, consumer)."""
        claims = connection.execute(
            "SELECT done, last, consumer FROM bus_claims WHERE topic = ? AND group_name = ?",
            (topic, group),
        ).fetchall()
        return max(0, min([c[0] for c in claims] + [next_position - 1])), claims

    def topics(self) -> list[TopicInfo]:
        with self._read() as connection:
            rows = connection.execute(
                "SELECT topic, length, last_position FROM bus_topics ORDER BY topic"
            ).fetchall()
        return [TopicInfo(name, length, last) for name, length, last in rows]

    def groups(self, topic: str) -> list[GroupInfo]:
        found = []
        with self._read() as connection:
            connection.execute("BEGIN")  # one snapshot for the whole summary
            try:
                groups = connection.execute(
                    "SELECT group_name, next_position FROM bus_groups WHERE topic = ?"
                    " ORDER BY group_name",
                    (topic,),
                ).fetchall()
                for group, next_position in groups:
                    committed, claims = self._committed(connection, topic, group, next_position)
                    pending = sum(self._count(connection, topic, c[0], c[1]) for c in claims)
                    lag = pending + self._count(connection, topic, next_position - 1, None)
                    consumers = tuple(sorted({c[2] for c in claims}))
                    found.append(
                        GroupInfo(topic, group, committed or None, lag, pending, consumers)
                    )
            finally:
                connection.execute("COMMIT")
        return found

    @staticmethod
    def _count(connection: sqlite3.Connection, topic: str, after: int, upto: int | None) -> int:
        (count,) = connection.execute(
            "SELECT count(*) FROM bus_messages WHERE topic = ? AND position > ? AND position <= ?",
            (topic, after, upto if upto is not None else 2**63 - 1),
        ).fetchone()
        return int(count)

    def close(self) -> None:
        self._pool.close()
