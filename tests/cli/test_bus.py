"""``openedx-events bus status`` on a real Redis server and on the embedded bus."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import cli

from openedx_events.event_bus import BusProducer, Message
from openedx_events.event_bus.redis import RedisBackend, StreamId
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data

SIGNAL = COURSE_ENROLLMENT_CREATED


def test_bus_status_shows_lengths_groups_pending_lag_and_dead_letters(
    bus_db: Path, redis_url: str
) -> None:
    backend = RedisBackend(redis_url)
    events = [(sample_event_data(SIGNAL, i), SIGNAL.generate_signal_metadata()) for i in range(5)]
    BusProducer(backend).send_batch(
        signal=SIGNAL, topic="enrollments", event_key_field=None, events=events
    )
    records = backend.claim("enrollments", "billing", "worker-1", limit=3)
    backend.commit("enrollments", "billing", "worker-1", records[:1])
    backend.append("enrollments.dlq", [Message(headers={"id": "x"}, payload=b"")])
    result = cli("bus", "status", "--redis", redis_url, "--json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["topic"], row["length"], row["dead_letters"]) == ("enrollments", 5, 1)
    (group,) = row["groups"]
    assert group["group"] == "billing"
    assert (group["lag"], group["pending"], group["consumers"]) == (4, 2, ["worker-1"])
    assert StreamId(group["committed"]) == records[0].position
    table = cli("bus", "status", "--redis", redis_url)
    assert table.exit_code == 0, table.output
    assert "billing" in table.stdout
    assert "worker-1" in table.stdout
    backend.close()


def test_bus_status_covers_the_embedded_bus(bus_db: Path) -> None:
    db = str(bus_db)
    cli("produce", SIGNAL.event_type, "--topic", "t", "--db", db, "--count", "3", "-q")
    consumed = cli("consume", "--topic", "t", "--group", "g", "--db", db, "--max-events", "2")
    assert consumed.exit_code == 0, consumed.output
    result = cli("bus", "status", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["topic"], row["length"], row["dead_letters"]) == ("t", 3, 0)
    assert [(g["group"], g["lag"], g["pending"]) for g in row["groups"]] == [("g", 1, 0)]


def test_an_unreachable_redis_is_one_line_of_error(bus_db: Path) -> None:
    result = cli("bus", "status", "--redis", "redis://127.0.0.1:1/0")
    assert result.exit_code == 1
    assert "Redis at redis://127.0.0.1:1/0 is unreachable" in result.output
    assert "Traceback" not in result.output
