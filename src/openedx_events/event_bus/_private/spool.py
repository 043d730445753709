"""The producer's spool: events the bus could not take, kept on local disk until it can.

When ``EVENT_BUS_SPOOL_PATH`` names a file, a producer whose backend fails to store a message
(the server is down, the bus file is locked) writes it to that SQLite file instead, and a
background thread hands the spooled messages to the backend, oldest first, as soon as it takes
them again, backing off between attempts. While anything waits in the spool, new messages join
the queue behind it, so one producer's events reach the bus in the order they were sent.
Without the setting the send raises (see ``routing``): an event is never only logged.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path

from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.event_bus._private.records import Message, Position

__all__ = ["Spool", "spool_from_settings"]

log = logging.getLogger("openedx_events.event_bus.producer")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    key TEXT,
    headers TEXT NOT NULL,
    payload BLOB NOT NULL
)
"""


class Spool:
    """A durable queue of messages for ``backend``, in the SQLite file at ``path``.

    Args:
        initial_delay: the first wait after the backend refused the spooled messages.
        max_delay: the longest wait between two attempts (the wait doubles up to it).
        batch_size: how many spooled messages are handed over in one append.
    """

    def __init__(
        self,
        path: str | Path,
        backend: Backend,
        *,
        initial_delay: float = 0.05,
        max_delay: float = 5.0,
        batch_size: int = 500,
    ) -> None:
        self.path = Path(path)
        self.backend = backend
        self.initial_delay = initial_delay
        self.max_delay = max_delay
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            (self._waiting,) = self._db.execute("SELECT count(*) FROM spool").fetchone()
        except sqlite3.Error as error:
            raise EventBusStorageError(f"cannot use the spool file {self.path}: {error}") from error
        if self._waiting:  # left by an earlier process: deliver it now
            self._start()

    def __len__(self) -> int:
        """How many messages wait."""
        return int(self._waiting)

    def append(self, topic: str, messages: list[Message]) -> list[Position] | None:
        """Give ``messages`` to the backend and return their positions, or keep them here.

        ``None`` means they wait in the spool (and have no position yet).

        Raises:
            EventBusStorageError: neither the backend nor the spool file could take them.
        """
        with self._lock:
            if not self._waiting:
                try:
                    return self.backend.append(topic, messages)
                except EventBusStorageError as error:
                    log.warning(
                        "Spooling %d event(s) for %r to %s: %s",
                        len(messages),
                        topic,
                        self.path,
                        error,
                    )
            self._put(topic, messages)
        self._start()
        return None

    def _put(self, topic: str, messages: list[Message]) -> None:
        rows = [(topic, m.key, json.dumps(dict(m.headers)), bytes(m.payload)) for m in messages]
        try:
            self._db.executemany(
                "INSERT INTO spool (topic, key, headers, payload) VALUES (?, ?, ?, ?)", rows
            )
        except sqlite3.Error as error:
            raise EventBusStorageError(
                f"the bus refused {len(rows)} event(s) for {topic!r} and the spool file "
                f"{self.path} failed too: {error}"
            ) from error
        self._waiting += len(rows)
        self._wake.set()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._drain_until_empty, name="openedx-events-spool", daemon=True
                )
                self._thread.start()

    def drain(self) -> int:
        """Hand the oldest spooled messages to the backend; return how many it took.

        Raises:
            EventBusStorageError: the backend still refuses them.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, topic, key, headers, payload FROM spool ORDER BY seq LIMIT ?",
                (self.batch_size,),
            ).fetchall()
            if not rows:
                return 0
            # One append per run of one topic keeps the order across topics too.
            taken = 0
            while taken < len(rows):
                topic = rows[taken][1]
                run = []
                for row in rows[taken:]:
                    if row[1] != topic:
                        break
                    run.append(row)
                messages = [Message(json.loads(r[3]), r[4], r[2]) for r in run]
                self.backend.append(topic, messages)
                self._db.execute("DELETE FROM spool WHERE seq <= ?", (run[-1][0],))
                self._waiting -= len(run)
                taken += len(run)
            return taken

    def _drain_until_empty(self) -> None:
        delay = self.initial_delay
        while not self._closed.is_set():
            try:
                if self.drain() == 0:
                    return
                delay = self.initial_delay
                log.info("Delivered spooled events to %s; %d still wait", self.backend, len(self))
            except EventBusStorageError as error:
                log.warning("The bus still refuses %d spooled event(s): %s", len(self), error)
                self._wake.clear()
                self._closed.wait(delay)
                delay = min(self.max_delay, delay * 2)

    def flush(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the spool to empty; ``True`` if it did."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self._waiting

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed.is_set()

    def close(self) -> None:
        """Stop the background delivery (what waits stays in the file for the next process)."""
        self._closed.set()
        thread = self._thread
        if thread is not None:
            thread.join(5.0)
        self._db.close()


_spools: dict[tuple[str, int], Spool] = {}
_spools_lock = threading.Lock()


def spool_from_settings(backend: Backend) -> Spool | None:
    """The spool of ``EVENT_BUS_SPOOL_PATH`` for ``backend`` (``None`` when unset)."""
    path = get_setting("EVENT_BUS_SPOOL_PATH")
    if not path:
        return None
    key = (str(Path(str(path)).resolve()), id(backend))
    with _spools_lock:
        if key not in _spools or _spools[key].closed:
            _spools[key] = Spool(str(path), backend)
        return _spools[key]
