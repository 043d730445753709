"""Many real processes on one bus file: crashes, restarts, shared groups, clean stops."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from _worker_processes import TOPIC, WorkerProcesses, wait_for

from openedx_events.event_bus import list_dead_letters
from openedx_events.event_bus.sqlite import SqliteBackend

# Real producer and consumer processes, killed and restarted.
pytestmark = pytest.mark.slow


class Bus(WorkerProcesses):
    """A bus file in a temporary directory, and the processes started on it."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "bus.db"
        super().__init__(
            directory, EVENT_BUS_SQLITE_PATH=str(self.path), EVENT_BUS_CLAIM_TIMEOUT="1"
        )

    def produce(self, count: int, start: int = 0) -> None:
        self.finish(self.start("produce", TOPIC, str(count), str(start)))

    def produced_ids(self) -> list[str]:
        backend = SqliteBackend(self.path)
        try:
            return [r.headers["id"] for r in backend.read(TOPIC, limit=1_000_000)]
        finally:
            backend.close()


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[Bus]:
    made = Bus(tmp_path)
    yield made
    made.close()


def test_a_consumer_killed_mid_stream_and_restarted_loses_no_event(bus: Bus) -> None:
    bus.produce(400)
    first = bus.consumer("worker-1", "out.txt", "--delay", "0.003")
    wait_for(lambda: len(bus.delivered("out.txt")) >= 60)
    first.kill()  # SIGKILL: no chance to commit or release anything
    first.wait()
    assert len(set(bus.delivered("out.txt"))) < 400
    again = bus.consumer("worker-1", "out.txt")
    expected = set(bus.produced_ids())
    wait_for(lambda: set(bus.delivered("out.txt")) >= expected)
    bus.stop(again)
    assert set(bus.delivered("out.txt")) == expected


def test_two_consumers_share_a_group_and_one_takes_over_when_the_other_dies(bus: Bus) -> None:
    bus.produce(400)
    doomed = bus.consumer("a", "a.txt", "--delay", "0.003")
    survivor = bus.consumer("b", "b.txt", "--delay", "0.003")
    wait_for(lambda: len(bus.delivered("a.txt")) >= 20 and len(bus.delivered("b.txt")) >= 20)
    doomed.kill()
    doomed.wait()
    expected = set(bus.produced_ids())
    # The dead consumer's claim passes to the survivor once the 1 s claim timeout is over.
    wait_for(lambda: set(bus.delivered("a.txt", "b.txt")) >= expected)
    bus.stop(survivor)
    assert set(bus.delivered("a.txt", "b.txt")) == expected


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_sigint_finishes_the_current_event_commits_and_exits_0(
    bus: Bus, how: int
) -> None:
    bus.produce(300)
    consumer = bus.consumer("c", "out.txt", "--delay", "0.005")
    wait_for(lambda: len(bus.delivered("out.txt")) >= 30)
    bus.stop(consumer, how)
    delivered = bus.delivered("out.txt")
    backend = SqliteBackend(bus.path)
    (group,) = backend.groups(TOPIC)
    # Exactly what was delivered is committed: nothing lost, nothing left pending.
    assert group.committed == backend.read(TOPIC, limit=1000)[len(delivered) - 1].position
    assert group.lag == 300 - len(delivered)
    assert delivered == bus.produced_ids()[: len(delivered)]
    backend.close()


def test_flaky_and_failing_receivers_in_a_process_retry_then_dead_letter(bus: Bus) -> None:
    bus.produce(200)
    consumer = bus.consumer("c", "out.txt", "--fail-first", "2", "--always-fail-mod", "7")
    ids = bus.produced_ids()
    refused = {i for i in ids if int(i.replace("-", ""), 16) % 7 == 0}
    wait_for(lambda: set(bus.delivered("out.txt")) >= set(ids) - refused)
    backend = SqliteBackend(bus.path)
    wait_for(lambda: len(list_dead_letters(backend, TOPIC, limit=500)) == len(refused))
    bus.stop(consumer)
    letters = list_dead_letters(backend, TOPIC, limit=500)
    assert {letter.event_id for letter in letters} == refused
    assert all(letter.attempts == 3 for letter in letters)
    assert all("is refused" in letter.error for letter in letters)
    assert set(bus.delivered("out.txt")) == set(ids) - refused
    backend.close()


def test_concurrent_producers_and_consumers_share_one_file(bus: Bus) -> None:
    producers = [bus.start("produce", TOPIC, "300", str(n * 1000)) for n in range(3)]
    consumers = [bus.consumer(name, f"{name}.txt") for name in ("x", "y")]
    for producer in producers:
        bus.finish(producer)
    expected = set(bus.produced_ids())
    assert len(expected) == 900
    wait_for(lambda: set(bus.delivered("x.txt", "y.txt")) >= expected)
    for consumer in consumers:
        bus.stop(consumer)
    delivered = bus.delivered("x.txt", "y.txt")
    assert set(delivered) == expected
    assert len(delivered) == 900  # no crash, so no event was delivered twice
