"""``openedx-events consume`` and ``tail`` against a real SQLite bus file."""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from cli_helpers import SCRIPT, cli, json_lines, spawn

from openedx_events.event_bus.sqlite import SqliteBackend

ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"
LOGIN = "org.openedx.learning.auth.session.login.completed.v1"


def _produce(db: Path, topic: str, count: int, event_type: str = ENROLLMENT) -> list[str]:
    result = cli(
        "produce", event_type, "--topic", topic, "--db", str(db), "--count", str(count), "-q"
    )
    assert result.exit_code == 0, result.output
    return result.output.split()


class _LineReader:
    """Collects a running process's stdout lines in a thread, so reads can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self.lines: queue.Queue[str] = queue.Queue()
        self._stream = process.stdout
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        for line in self._stream:
            self.lines.put(line)

    def read(self, count: int, timeout: float) -> list[str]:
        """The next ``count`` lines; fails after ``timeout`` seconds."""
        got: list[str] = []
        deadline = time.monotonic() + timeout
        while len(got) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"got only {len(got)} of {count} lines: {got}"
            try:
                got.append(self.lines.get(timeout=remaining))
            except queue.Empty:
                continue
        return got

    def close(self) -> None:
        """Wait for the end of the output (the process has exited), then close the pipe."""
        self._thread.join(timeout=20)
        self._stream.close()


def test_consume_until_idle_delivers_each_event_once_and_commits(bus_db: Path) -> None:
    """A group gets every event once; a second run of the same group gets nothing new."""
    ids = _produce(bus_db, "t", 4) + _produce(bus_db, "t", 2, LOGIN)
    first = cli(
        "consume", "--topic", "t", "--group", "g", "--db", str(bus_db), "--until-idle", "--json"
    )
    assert first.exit_code == 0, first.output
    events = json_lines(first.stdout)
    assert [event["id"] for event in events] == ids
    assert [event["type"] for event in events] == [ENROLLMENT] * 4 + [LOGIN] * 2
    assert "delivered 6, retries 0, dead-lettered 0" in first.stderr
    again = cli("consume", "--topic", "t", "--group", "g", "--db", str(bus_db), "--until-idle")
    assert json_lines(again.stdout) == []
    assert "delivered 0" in again.stderr
    other = cli(
        "consume",
        "--topic",
        "t",
        "--group",
        "other",
        "--db",
        str(bus_db),
        "--max-events",
        "2",
        "--json",
    )
    assert [event["id"] for event in json_lines(other.stdout)] == ids[:2]


def test_consume_prints_a_line_per_event(bus_db: Path) -> None:
    """Without ``--json``, each event is one line: time, type, id and key."""
    (event_id,) = _produce(bus_db, "t", 1)
    result = cli("consume", "--topic", "t", "--group", "g", "--db", str(bus_db), "--until-idle")
    (line,) = result.stdout.splitlines()
    assert ENROLLMENT in line
    assert event_id in line
    assert "key=course-v1:" in line


def _group_done(db: Path, topic: str, group: str) -> bool:
    backend = SqliteBackend(db)
    try:
        info = [each for each in backend.groups(topic) if each.group == group]
    finally:
        backend.close()
    return bool(info) and info[0].lag == 0 and info[0].pending == 0


@pytest.mark.slow
def test_two_consumers_of_one_group_share_the_events_and_stop_on_sigterm(
    bus_db: Path, tmp_path: Path
) -> None:
    """Two consume processes in one group deliver every event exactly once between them."""
    outputs = [tmp_path / "first.jsonl", tmp_path / "second.jsonl"]
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    consumers = []
    for path, log in zip(outputs, logs, strict=True):
        with path.open("w") as out, log.open("w") as err:
            consumers.append(
                subprocess.Popen(
                    [
                        str(SCRIPT),
                        "consume",
                        "--topic",
                        "t",
                        "--group",
                        "g",
                        "--db",
                        str(bus_db),
                        "--json",
                    ],
                    stdout=out,
                    stderr=err,
                )
            )
    try:
        deadline = time.monotonic() + 30
        while not all("consuming t as group g" in log.read_text() for log in logs):
            assert time.monotonic() < deadline, "the consumers did not start in 30 s"
            time.sleep(0.05)
        ids = _produce(bus_db, "t", 300)
        while not _group_done(bus_db, "t", "g"):
            assert time.monotonic() < deadline, "the group did not finish in 30 s"
            assert all(process.poll() is None for process in consumers)
            time.sleep(0.1)
    finally:
        for process in consumers:
            process.send_signal(signal.SIGTERM)
        for process in consumers:
            process.wait(timeout=20)
    for process, log in zip(consumers, logs, strict=True):
        assert process.returncode == 0, log.read_text()
    delivered = [e["id"] for path in outputs for e in json_lines(path.read_text())]
    assert sorted(delivered) == sorted(ids)
    assert len(delivered) == len(set(delivered))


@pytest.mark.slow
def test_tail_prints_events_as_they_arrive_and_only_new_ones(bus_db: Path) -> None:
    """``tail --follow`` skips what was there before it started and prints each new event."""
    _produce(bus_db, "t", 2)
    with spawn("tail", "--topic", "t", "--db", str(bus_db), "--json", "--poll", "0.05") as tail:
        reader = _LineReader(tail)
        try:
            assert tail.stderr is not None
            # It has found the end of the topic once it says so; only then send more.
            assert tail.stderr.readline().startswith("tailing t after position 2")
            new = _produce(bus_db, "t", 3, LOGIN)
            lines = reader.read(3, timeout=20)
        finally:
            tail.send_signal(signal.SIGTERM)
            tail.wait(timeout=20)
            reader.close()
    assert tail.returncode == 0
    events = json_lines("".join(lines))
    assert [event["id"] for event in events] == new
    assert [event["position"] for event in events] == sorted(e["position"] for e in events)


def test_tail_does_not_consume(bus_db: Path) -> None:
    """Tailing leaves every event to the consumer groups."""
    ids = _produce(bus_db, "t", 3)
    tailed = cli("tail", "--topic", "t", "--db", str(bus_db), "--from-beginning", "--no-follow")
    assert tailed.exit_code == 0
    positions = [int(line.split()[0]) for line in tailed.stdout.splitlines()]
    assert len(positions) == 3
    assert positions == sorted(set(positions))
    consumed = cli(
        "consume", "--topic", "t", "--group", "g", "--db", str(bus_db), "--until-idle", "--json"
    )
    assert [event["id"] for event in json_lines(consumed.stdout)] == ids


def test_tail_puts_the_signal_handlers_back(bus_db: Path) -> None:
    """Run in-process, ``tail`` leaves SIGINT and SIGTERM handled as they were before."""
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    cli("tail", "--topic", "t", "--db", str(bus_db), "--no-follow")
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
