"""The outbox relay as real processes, on SQLite and PostgreSQL: killed, doubled, restarted."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("django", reason="Django is an optional dependency")

from _django_helpers import PROJECT_DIR, Project, migrated_project

EVENTS = 600
#: Small batches of many rows: the relay is surely killed in the middle of its work.
KILL_EVENTS = 1500


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """The test project, migrated, on a database of its own."""
    with migrated_project(tmp_path, request.param) as made:
        yield made


def in_commit_order(users: list[int]) -> list[int]:
    """The users in the order they first reached the bus (a relay may publish one again)."""
    return list(dict.fromkeys(users))


def test_a_relay_killed_in_the_middle_of_its_work_loses_nothing(project: Project) -> None:
    project.run("enroll", "--count", str(KILL_EVENTS), "--per-transaction", "100")
    relay = project.start("relay_outbox", "--batch-size", "5", "--lease", "1")
    deadline = time.monotonic() + 60
    while project.sent() == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    relay.kill()  # SIGKILL: no chance to finish or clean up
    relay.wait()
    sent_at_kill = project.sent()
    assert 0 < sent_at_kill < KILL_EVENTS, "the relay was not killed in the middle"
    time.sleep(1.1)  # on SQLite the dead relay's lease runs out
    project.run("relay_outbox", "--once")
    users = project.published_users()
    assert in_commit_order(users) == list(range(1, KILL_EVENTS + 1))
    assert project.sent() == KILL_EVENTS
    # What the killed relay published but had not marked sent is published again, no more.
    assert len(users) - KILL_EVENTS <= 5


def test_two_relays_at_once_publish_no_row_twice(project: Project) -> None:
    project.run("enroll", "--count", str(EVENTS), "--per-transaction", "100")
    relays = [project.start("relay_outbox", "--once", "--batch-size", "25") for _ in range(2)]
    counts = [
        int(re.findall(r"published (\d+) event", project.finish(relay))[-1]) for relay in relays
    ]
    assert sum(counts) == EVENTS
    users = project.published_users()
    assert sorted(users) == list(range(1, EVENTS + 1))  # each exactly once
    assert project.sent() == EVENTS


def test_the_relay_stops_at_sigterm_after_finishing_its_batch(project: Project) -> None:
    project.run("enroll", "--count", "200", "--per-transaction", "100")
    relay = project.start("relay_outbox", "--batch-size", "10", "--poll-interval", "0.05")
    deadline = time.monotonic() + 60
    while project.sent() < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    relay.terminate()
    output = project.finish(relay, timeout=30)
    assert "published 200 event(s)" in output
    assert in_commit_order(project.published_users()) == list(range(1, 201))


@pytest.mark.parametrize("project", ["sqlite"], indirect=True)  # the commands are the same on both
def test_the_command_line_relays_shows_and_purges_the_outbox(project: Project) -> None:
    project.run("enroll", "--count", "5")
    cli = [str(Path(sys.executable).with_name("openedx-events")), "outbox"]

    def run(*args: str) -> str:
        result = subprocess.run(
            [*cli, *args, "--settings", "djproject.settings"],
            capture_output=True,
            text=True,
            cwd=PROJECT_DIR,
            env=project.env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert json.loads(run("status", "--json"))["depth"] == 5
    assert "published 5 event(s)" in run("relay", "--once")
    # The bus file exists once the relay has published to it.
    bus_status = subprocess.run(
        [cli[0], "bus", "status", "--settings", "djproject.settings"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=project.env,
        timeout=120,
        check=False,
    )
    assert bus_status.returncode == 0, bus_status.stderr
    assert "unsent: 0" in bus_status.stdout
    assert "unsent: 0" in run("status")
    assert "deleted 0 sent row(s)" in run("purge", "--older-than", "1d")
    assert project.published_users() == [1, 2, 3, 4, 5]
    unset = {k: v for k, v in project.env.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [*cli, "status"], capture_output=True, text=True, env=unset, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "--settings or DJANGO_SETTINGS_MODULE" in result.stderr
    assert "Traceback" not in result.stderr
