"""Bus files in the states a user may hand the tools: damaged, truncated, foreign, missing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from openedx_events.event_bus import BusProducer
from openedx_events.event_bus.sqlite import SqliteBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data

__all__ = ["BROKEN_FILES", "TOPIC", "bus_with_events"]

TOPIC = "t"
_PAGE = 4096


def bus_with_events(path: Path, count: int = 40) -> Path:
    """A sound bus file at ``path`` holding ``count`` events in ``TOPIC``, its WAL folded in."""
    backend = SqliteBackend(path)
    signal = COURSE_ENROLLMENT_CREATED
    events = [
        (sample_event_data(signal, i), signal.generate_signal_metadata()) for i in range(count)
    ]
    BusProducer(backend).send_batch(signal=signal, topic=TOPIC, event_key_field=None, events=events)
    backend.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("PRAGMA journal_mode = DELETE")  # one file, with nothing beside it
    return path


def damaged(directory: Path) -> Path:
    """A bus file whose every page after the header page is overwritten with garbage."""
    path = bus_with_events(directory / "damaged.db")
    data = bytearray(path.read_bytes())
    data[_PAGE:] = b"\xde\xad\xbe\xef" * ((len(data) - _PAGE) // 4)
    path.write_bytes(bytes(data))
    return path


def truncated(directory: Path) -> Path:
    """A bus file cut off in the middle, as a failed copy leaves it."""
    path = bus_with_events(directory / "truncated.db")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])
    return path


def not_sqlite(directory: Path) -> Path:
    """A text file given where the bus file was expected."""
    path = directory / "notes.txt"
    path.write_text("these are not the events you are looking for\n" * 100, encoding="utf-8")
    return path


def missing(directory: Path) -> Path:
    """A bus file in a directory that does not exist."""
    return directory / "no" / "such" / "bus.db"


#: Each broken state by name, built in a given directory.
BROKEN_FILES: dict[str, Callable[[Path], Path]] = {
    "damaged": damaged,
    "truncated": truncated,
    "not-sqlite": not_sqlite,
    "missing": missing,
}
