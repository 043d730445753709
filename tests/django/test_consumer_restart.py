"""``manage.py consume_events`` lives through a restart of its PostgreSQL server."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("django", reason="Django is an optional dependency")

from _django_helpers import Project
from _postgres_cluster import PostgresCluster

from openedx_events.event_bus import list_dead_letters
from openedx_events.event_bus.sqlite import SqliteBackend


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    made = PostgresCluster()
    try:
        made.start()
        yield made
    finally:
        made.remove()


def received(project: Project) -> int:
    return int(project.sql("SELECT COUNT(*) FROM enrollments_receivedenrollment")[0][0])


def wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_consumer_survives_a_database_restart_mid_stream(
    cluster: PostgresCluster, tmp_path: Path
) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE service")
    project = Project(
        tmp_path,
        "postgresql",
        "service",
        pg_host="127.0.0.1",
        pg_port=cluster.port,
        DJPROJECT_MODE="on_commit",
        DJPROJECT_CONN_MAX_AGE="none",  # the connection is kept: the restart cuts it
        DJPROJECT_MAX_ATTEMPTS="20",
    )
    try:
        project.run("migrate", "--verbosity", "0")
        project.run("enroll", "--count", "300", "--per-transaction", "50")
        consumer = project.start("consume_events", "-t", "enrollments", "-g", "received")
        wait_for(lambda: received(project) >= 100)
        cluster.restart()
        project.run("enroll", "--count", "200", "--first", "301", "--per-transaction", "50")
        wait_for(lambda: received(project) == 500)
        assert consumer.poll() is None, project.logs[consumer.pid].read_text()[-3000:]
        consumer.send_signal(signal.SIGTERM)
        project.finish(consumer, timeout=30)
    finally:
        project.stop_all()
    users = [row[0] for row in project.sql("SELECT user_id FROM enrollments_receivedenrollment")]
    assert sorted(users) == list(range(1, 501))
    backend = SqliteBackend(project.bus)
    assert list_dead_letters(backend, "enrollments") == []
    backend.close()
