"""The outbox with Redis as the bus: the broker is down when the transactions commit."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("django", reason="Django is an optional dependency")

from _django_helpers import Project, migrated_project

from _redis_server import REDIS_SERVER, RedisServer
from openedx_events.event_bus import decode_record
from openedx_events.event_bus.redis import RedisBackend

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    made = RedisServer(tmp_path / "redis").start()
    yield made
    made.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def project(
    request: pytest.FixtureRequest, tmp_path: Path, server: RedisServer
) -> Iterator[Project]:
    with migrated_project(
        tmp_path,
        request.param,
        DJPROJECT_PRODUCER="openedx_events.event_bus.redis.create_producer",
        DJPROJECT_REDIS_URL=server.url,
    ) as made:
        yield made


def stream_users(server: RedisServer) -> list[int]:
    backend = RedisBackend(server.url)
    try:
        records = backend.read("enrollments", limit=100_000)
        return [decode_record(record).data["enrollment"].user.id for record in records]
    finally:
        backend.close()


def unsent(project: Project, *, failing: bool = False) -> int:
    query = "SELECT COUNT(*) FROM openedx_events_outbox WHERE sent_at IS NULL"
    return int(project.sql(query + (" AND attempts > 0" if failing else ""))[0][0])


@pytest.mark.parametrize("mode", ["outbox", "on_commit"])
def test_events_committed_while_redis_is_down_reach_it_in_commit_order(
    project: Project, server: RedisServer, mode: str
) -> None:
    server.stop()
    project.run("enroll", "--count", "120", "--per-transaction", "10", DJPROJECT_MODE=mode)
    assert int(project.sql("SELECT COUNT(*) FROM enrollments_enrollment")[0][0]) == 120
    relay = project.start(
        "relay_outbox", "--batch-size", "25", "--poll-interval", "0.05", "--max-backoff", "0.5"
    )
    deadline = time.monotonic() + 60
    while unsent(project, failing=True) == 0:
        assert time.monotonic() < deadline, "the relay recorded no error"
        time.sleep(0.05)
    status = json.loads(project.run("outbox_status", "--json").strip().splitlines()[-1])
    assert status["depth"] == 120
    assert f"127.0.0.1:{server.port}" in status["last_error"]
    server.start()
    while unsent(project) != 0:
        assert time.monotonic() < deadline + 60, "the relay did not catch up"
        time.sleep(0.05)
    relay.terminate()
    project.finish(relay, timeout=30)
    assert stream_users(server) == list(range(1, 121))
