"""The embedded bus under bad conditions: damaged rows, locks, read-only and foreign files."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from broken_files import BROKEN_FILES
from openedx_events.event_bus import (
    BusConsumer,
    BusProducer,
    EventBusStorageError,
    Message,
    RetryPolicy,
    list_dead_letters,
)
from openedx_events.event_bus.sqlite import SqliteBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data

TOPIC = "enrollments"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "bus.db"


@pytest.fixture
def delivered() -> Iterator[list[str]]:
    got: list[str] = []

    def receiver(metadata: Any, **kwargs: Any) -> None:
        got.append(str(metadata.id))

    SIGNAL.connect(receiver, weak=False)
    yield got
    SIGNAL.disconnect(receiver)


def _produce(backend: SqliteBackend, count: int) -> list[str]:
    events = [
        (sample_event_data(SIGNAL, i), SIGNAL.generate_signal_metadata()) for i in range(count)
    ]
    BusProducer(backend).send_batch(signal=SIGNAL, topic=TOPIC, event_key_field=None, events=events)
    return [str(metadata.id) for _, metadata in events]


def _consumer(backend: SqliteBackend, **kwargs: Any) -> BusConsumer:
    retry = RetryPolicy(max_attempts=2, initial_delay=0.001)
    return BusConsumer(backend, topic=TOPIC, group_id="g", retry=retry, **kwargs)


def test_damaged_rows_are_dead_lettered_and_the_others_delivered(
    path: Path, delivered: list[str]
) -> None:
    backend = SqliteBackend(path)
    ids = _produce(backend, 5)
    positions = [r.position for r in backend.read(TOPIC)]
    with sqlite3.connect(path) as raw:  # damage two rows behind the backend's back
        raw.execute(
            "UPDATE bus_messages SET headers = '{not json' WHERE position = ?", (positions[1],)
        )
        raw.execute("UPDATE bus_messages SET payload = 'text' WHERE position = ?", (positions[3],))
    stats = _consumer(backend).run(until_idle=True)
    assert delivered == [ids[0], ids[2], ids[4]]
    letters = list_dead_letters(backend, TOPIC)
    assert [letter.position for letter in letters] == [str(positions[1]), str(positions[3])]
    assert "unreadable headers '{not json'" in letters[0].error
    assert letters[0].record.headers["dlq_defect"].startswith("unreadable headers")
    assert "payload is stored as str" in letters[1].error
    assert letters[1].event_id == ids[3]  # its headers were sound and are kept
    assert stats.dead_lettered == 2


def test_a_locked_file_is_a_clear_error_for_a_producer_and_nothing_half_written(
    path: Path,
) -> None:
    backend = SqliteBackend(path, busy_timeout=0.1)
    _produce(backend, 1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(EventBusStorageError, match=r"bus\.db is locked.*gave up after 0\.1s"):
            _produce(backend, 3)
        assert len(backend.read(TOPIC)) == 1  # readers are not blocked by the writer
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _produce(backend, 3)
    assert len(backend.read(TOPIC)) == 4


def test_a_consumer_waits_out_a_lock_and_then_delivers_everything(
    path: Path, delivered: list[str]
) -> None:
    backend = SqliteBackend(path, busy_timeout=0.05)
    ids = _produce(backend, 10)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    consumer = _consumer(backend, poll_interval=0.01)
    runner = threading.Thread(target=consumer.run, kwargs={"until_idle": True})
    runner.start()
    threading.Event().wait(0.3)
    assert delivered == []
    holder.execute("ROLLBACK")
    holder.close()
    runner.join(timeout=10)
    assert delivered == ids
    assert consumer.stats.storage_errors >= 1


def _read_only(path: Path) -> SqliteBackend:
    if os.geteuid() != 0:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        return SqliteBackend(path)
    # Permissions do not bind root: open the file read-only the way SQLite allows instead.
    return SqliteBackend(f"file:{path}?mode=ro")


def test_a_read_only_file_can_be_read_but_writes_fail_clearly(
    path: Path, delivered: list[str]
) -> None:
    writable = SqliteBackend(path)
    ids = _produce(writable, 2)
    writable.close()
    backend = _read_only(path)
    try:
        assert [r.headers["id"] for r in backend.read(TOPIC)] == ids
        with pytest.raises(EventBusStorageError, match="read-only"):
            _produce(backend, 1)
        # Waiting cannot make the file writable: the consumer stops at once, without a limit.
        with pytest.raises(EventBusStorageError, match="read-only") as stopped:
            _consumer(backend, poll_interval=0.01).run(until_idle=True)
        assert stopped.value.permanent
        assert delivered == []
    finally:
        path.parent.chmod(0o755)
        path.chmod(0o644)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are not the events you are looking for\n" * 100)
    with pytest.raises(EventBusStorageError, match=r"notes\.txt is not a usable SQLite database"):
        SqliteBackend(path).read(TOPIC)


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EventBusStorageError, match="cannot open the event bus file"):
        SqliteBackend(tmp_path / "no" / "such" / "bus.db").read(TOPIC)


def test_a_topic_named_like_sql_is_stored_as_data(path: Path) -> None:
    backend = SqliteBackend(path)
    topic = "x'); DELETE FROM bus_messages; --"
    backend.append(TOPIC, [Message(headers={"id": "1"}, payload=b"a")])
    backend.append(topic, [Message(headers={"id": "2"}, payload=b"b")])
    assert [r.headers["id"] for r in backend.read(TOPIC)] == ["1"]
    assert [r.headers["id"] for r in backend.read(topic)] == ["2"]


def test_many_connections_can_create_a_new_bus_file_at_once(tmp_path: Path) -> None:
    """Switching a fresh file to WAL from many connections at once waits instead of failing."""
    for attempt in range(30):
        path = tmp_path / f"fresh-{attempt}.db"
        start = threading.Barrier(8)
        errors: list[Exception] = []

        def open_bus(
            path: Path = path, start: threading.Barrier = start, errors: list[Exception] = errors
        ) -> None:
            backend = SqliteBackend(path)
            start.wait()
            try:
                backend.read(TOPIC)
            except EventBusStorageError as error:
                errors.append(error)
            finally:
                backend.close()

        threads = [threading.Thread(target=open_bus) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []


@pytest.mark.parametrize("kind", sorted(BROKEN_FILES))
def test_a_consumer_stops_on_a_file_that_waiting_cannot_repair(tmp_path: Path, kind: str) -> None:
    """Damaged, truncated, foreign or unopenable: the consumer stops with the cause at once."""
    path = BROKEN_FILES[kind](tmp_path)
    consumer = _consumer(SqliteBackend(path), poll_interval=0.01)
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            consumer.run(until_idle=True)
        except EventBusStorageError as error:
            outcome.append(error)

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    runner.join(timeout=10)
    if runner.is_alive():  # the old behaviour: one log line a second, forever
        consumer.stop()
        runner.join(timeout=10)
        pytest.fail(f"the consumer kept retrying the {kind} file {path}")
    (error,) = outcome
    assert isinstance(error, EventBusStorageError)
    assert error.permanent
    assert str(path) in str(error)


def test_a_full_disk_and_a_lock_are_failures_that_pass(path: Path) -> None:
    """SQLite's 'full' and 'locked' are retried by consumers, not taken as the end."""
    backend = SqliteBackend(path, busy_timeout=0.05)
    _produce(backend, 1)
    with sqlite3.connect(path) as raw:
        (pages,) = raw.execute("PRAGMA page_count").fetchone()
    connection = backend._pool.get()  # the limit holds per connection: set it on the backend's
    connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(EventBusStorageError, match="is full") as full:
        _produce(backend, 200)
    assert not full.value.permanent
    connection.execute("PRAGMA max_page_count = 1073741823")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(EventBusStorageError, match="locked") as locked:
            _produce(backend, 1)
        assert not locked.value.permanent
    finally:
        holder.execute("ROLLBACK")
        holder.close()
