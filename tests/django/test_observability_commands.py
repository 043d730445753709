"""The Django commands' metrics endpoints, scraped while they work, on SQLite and PostgreSQL.

``consume_events --metrics-port`` serves what ``openedx-events consume`` serves (the counts,
the lag, the probes); ``relay_outbox --metrics-port`` serves the outbox's depth, oldest unsent
age and failing rows, per topic, read from the table at each scrape (``openedx-events outbox
relay --metrics-port`` too); ``bus status --json`` shows the outbox beside the topics.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django", reason="Django is an optional dependency")
pytest.importorskip("prometheus_client", reason="metrics are an optional extra")

from _django_helpers import PROJECT_DIR, Project, migrated_project
from prometheus_client.parser import text_string_to_metric_families

TOPIC = "enrollments"
ENROLLED = "org.openedx.learning.course.enrollment.created.v1"


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """The test project, migrated, on a database of its own; events go to the outbox."""
    with migrated_project(tmp_path, request.param) as made:
        yield made


def _wait_for(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def _served_port(project: Project, process: Any) -> int:
    def port() -> int | None:
        assert process.poll() is None, project.logs[process.pid].read_text()[-3000:]
        found = re.search(r"on port (\d+)", project.logs[process.pid].read_text())
        return int(found[1]) if found else None

    return int(_wait_for(port))


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, text = _get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200, text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: dict[Any, float], name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once closed


def test_the_relays_endpoint_shows_the_outbox_as_its_table_has_it(project: Project) -> None:
    started = time.time()
    project.run("enroll", "--count", "7", "--per-transaction", "7")
    stored = time.time()
    # A relay whose bus is down keeps every row, and counts its failures on them.
    failing = project.start(
        *("relay_outbox", "--metrics-port", "0", "--max-backoff", "0.2"),
        DJPROJECT_PRODUCER="openedx_events.event_bus.redis.create_producer",
        DJPROJECT_REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0",
    )
    port = _served_port(project, failing)
    stuck = _wait_for(
        lambda: (
            (now := _scrape(port))
            and _value(now, "openedx_events_outbox_failing", topic=TOPIC) == 7
            and now
        )
    )
    scraped = time.time()
    assert _value(stuck, "openedx_events_outbox_depth", topic=TOPIC) == 7
    age = _value(stuck, "openedx_events_outbox_oldest_unsent_age_seconds", topic=TOPIC)
    assert age is not None
    assert scraped - stored - 1 <= age <= scraped - started + 1
    assert project.sent() == 0
    failing.send_signal(signal.SIGTERM)
    failing.wait(timeout=30)

    # A relay that can publish empties it: the topic stays in the series, at zero.
    relay = project.start("relay_outbox", "--metrics-port", "0")
    port = _served_port(project, relay)
    emptied = _wait_for(
        lambda: (
            (now := _scrape(port))
            and _value(now, "openedx_events_outbox_depth", topic=TOPIC) == 0
            and now
        )
    )
    assert _value(emptied, "openedx_events_outbox_oldest_unsent_age_seconds", topic=TOPIC) == 0
    assert _value(emptied, "openedx_events_outbox_failing", topic=TOPIC) == 0
    assert project.sent() == 7
    relay.send_signal(signal.SIGTERM)
    assert "published 7 event(s)" in project.finish(relay, timeout=30)


@pytest.mark.parametrize("project", ["sqlite"], indirect=True)  # the consumer's bus is a file
def test_consume_events_serves_the_counts_lag_and_probes_of_its_consumer(
    project: Project,
) -> None:
    project.run("enroll", "--count", "6", "--per-transaction", "3")
    project.run("relay_outbox", "--once")
    consumer = project.start(
        *("consume_events", "-t", TOPIC, "-g", "metered", "--metrics-port", "0"),
        *("--extra", '{"poll_interval": 0.05}'),
    )
    port = _served_port(project, consumer)
    base = f"http://127.0.0.1:{port}"
    _wait_for(lambda: _get(base + "/readyz")[0] == 200)
    done = _wait_for(
        lambda: (
            (now := _scrape(port))
            and _value(now, "openedx_events_consumer_lag", topic=TOPIC, group="metered") == 0
            and now
        )
    )
    by_group = {"event_type": ENROLLED, "topic": TOPIC, "group": "metered"}
    assert _value(done, "openedx_events_delivered_total", **by_group) == 6
    assert _value(done, "openedx_events_dead_letter_depth", topic=TOPIC) == 0
    assert _get(base + "/livez")[0] == 200
    received = project.sql("SELECT COUNT(*) FROM enrollments_receivedenrollment")[0][0]
    assert received == 6
    consumer.send_signal(signal.SIGTERM)
    project.finish(consumer, timeout=30)


@pytest.mark.parametrize("project", ["sqlite"], indirect=True)  # the command is the same on both
def test_bus_status_json_shows_the_outbox_beside_the_topics(project: Project) -> None:
    project.run("enroll", "--count", "5")
    project.run("relay_outbox", "--once")
    project.run("enroll", "--count", "2", "--first", "6")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("openedx-events")), "bus", "status", "--json"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=project.env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    (topic,) = status["topics"]
    assert (topic["topic"], topic["length"]) == (TOPIC, 5)
    outbox = status["outbox"]
    assert (outbox["depth"], outbox["sent"], outbox["failing"]) == (2, 5, 0)
    assert outbox["topics"][TOPIC]["depth"] == 2
    assert outbox["topics"][TOPIC]["oldest_unsent_age"] >= 0


@pytest.mark.parametrize("project", ["sqlite"], indirect=True)  # the command is the same on both
def test_the_command_line_relay_serves_the_outbox_gauges_too(project: Project) -> None:
    project.run("enroll", "--count", "3")
    log = project.directory / "cli-relay.log"
    with log.open("wb") as output:
        relay = subprocess.Popen(
            [
                *(str(Path(sys.executable).with_name("openedx-events")), "outbox", "relay"),
                *("--metrics-port", "0", "--settings", "djproject.settings"),
            ],
            cwd=PROJECT_DIR,
            env=project.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        found = _wait_for(lambda: re.search(r"on port (\d+)", log.read_text()))
        port = int(found[1])
        emptied = _wait_for(
            lambda: (
                (now := _scrape(port))
                and _value(now, "openedx_events_outbox_depth", topic=TOPIC) == 0
                and now
            )
        )
        assert _value(emptied, "openedx_events_outbox_failing", topic=TOPIC) == 0
        assert project.sent() == 3
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.wait(timeout=30)
    assert relay.returncode == 0, log.read_text()[-3000:]
    assert "published 3 event(s)" in log.read_text()
