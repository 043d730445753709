"""Connections to the bus file: one per thread and process, with clear errors."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.event_bus.sqlite._schema import create_schema

__all__ = ["ConnectionPool", "storage_errors"]


# SQLite's primary result codes for failures that can pass by themselves: another writer holds
# the lock, the disk is full (until something is deleted), an I/O call was interrupted. Any
# other failure (a corrupt page, a file that is not a database, a read-only or unopenable file)
# stays until someone repairs the file.
_PASSING = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_NOMEM,
    sqlite3.SQLITE_INTERRUPT,
}


def _message(path: Path, busy_timeout: float, code: int, text: str) -> str:
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"the event bus file {path} is locked by another connection; "
            f"gave up after {busy_timeout:g}s ({text})"
        )
    if code == sqlite3.SQLITE_FULL:
        return f"the disk of the event bus file {path} is full ({text})"
    if code == sqlite3.SQLITE_READONLY:
        return f"cannot write to the event bus file {path}: it is read-only ({text})"
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        return f"cannot open the event bus file {path} ({text})"
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT):
        return f"the event bus file {path} is not a usable SQLite database ({text})"
    return f"the event bus file {path} failed: {text}"


@contextlib.contextmanager
def storage_errors(path: Path, busy_timeout: float) -> Iterator[None]:
    """Turn SQLite's errors into :class:`EventBusStorageError` naming the file and the cause.

    The error is ``permanent`` unless waiting can cure it (see ``_PASSING``).
    """
    try:
        yield
    except sqlite3.Error as error:
        code = getattr(error, "sqlite_errorcode", None)
        if code is None:  # raised by the sqlite3 module itself, not by the library
            code = sqlite3.SQLITE_ERROR
        primary = code & 0xFF
        message = _message(path, busy_timeout, primary, str(error))
        raise EventBusStorageError(message, permanent=primary not in _PASSING) from error


class ConnectionPool:
    """Hands each thread of each process its own connection to one file.

    SQLite connections must not cross threads or a ``fork``; a connection inherited from a
    parent process is left alone (closing it could disturb the parent's locks).
    """

    def __init__(self, path: Path, *, busy_timeout: float, synchronous: str) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self.synchronous = synchronous
        self._local = threading.local()
        self._all: list[tuple[int, sqlite3.Connection]] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened (and the schema created) on first use."""
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            connection: sqlite3.Connection = held[1]
            return connection
        with storage_errors(self.path, self.busy_timeout):
            connection = self._open()
        self._local.held = (os.getpid(), connection)
        with self._lock:
            self._all.append((os.getpid(), connection))
        return connection

    def _open(self) -> sqlite3.Connection:
        # A "file:" URI (such as "file:/srv/bus.db?mode=ro") opens the file as it says.
        location = str(self.path)
        connection = sqlite3.connect(
            location,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=location.startswith("file:"),
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            self._initialise(connection)
            connection.execute(f"PRAGMA synchronous = {self.synchronous}")
        except BaseException:
            connection.close()
            raise
        return connection

    def _initialise(self, connection: sqlite3.Connection) -> None:
        # Switching a new file to WAL can fail at once with "locked" while another process
        # does the same (SQLite does not wait there, to avoid a deadlock), so wait here.
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
                if mode != "wal":
                    (mode,) = connection.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode != "wal":
                    raise sqlite3.OperationalError(f"cannot switch to WAL mode (got {mode})")
                create_schema(connection)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def close(self) -> None:
        """Close the connections this process opened."""
        with self._lock:
            mine = [c for pid, c in self._all if pid == os.getpid()]
            self._all.clear()
        for connection in mine:
            connection.close()
        self._local = threading.local()
