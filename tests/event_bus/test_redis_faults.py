"""The Redis bus under faults: killed consumers, a Redis that restarts or goes away, poison.

Every test runs its own redis-server on a free port (the shared one on 6379 is never stopped),
and real producer and consumer processes (``_bus_worker.py``) where a process must die.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _poison import KINDS, poison_entry, poison_kinds
from _worker_processes import TOPIC, wait_for
from test_processes import Bus

from _redis_server import REDIS_SERVER, RedisServer
from openedx_events import configure
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus import dead_letter_topic, list_dead_letters
from openedx_events.event_bus._private.deadletter import Reason
from openedx_events.event_bus._private.loading import reset_producer
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


class RedisBus(Bus):
    """The worker processes of ``test_processes``, on a Redis server of the test's own."""

    def __init__(self, directory: Path, server: RedisServer) -> None:
        super().__init__(directory)
        self.server = server
        self.env.update(
            EVENT_BUS_PRODUCER="openedx_events.event_bus.redis.create_producer",
            EVENT_BUS_CONSUMER="openedx_events.event_bus.redis.create_consumer",
            EVENT_BUS_REDIS_CONNECTION_URL=server.url,
        )

    def produced_ids(self) -> list[str]:
        """The event ids in the stream, in stream order."""
        with self.server.client() as client:
            entries = client.xrange(TOPIC)
        return [fields[b"id"].decode() for _, fields in entries]

    def sent(self, out: str) -> list[str]:
        """The ids a ``--one-by-one`` producer was told the bus accepted, in order."""
        return self.delivered(out)


def _first_occurrences(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]  # type: ignore[func-returns-value]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    made = RedisServer(tmp_path / "redis", appendonly=True, appendfsync="always")
    made.start()
    yield made
    made.stop()


@pytest.fixture
def redis_bus(tmp_path: Path, server: RedisServer) -> Iterator[RedisBus]:
    made = RedisBus(tmp_path, server)
    yield made
    made.close()


def test_a_consumer_killed_mid_stream_and_restarted_delivers_every_event(
    redis_bus: RedisBus,
) -> None:
    redis_bus.produce(1000)
    first = redis_bus.consumer("worker-1", "out.txt", "--delay", "0.002")
    wait_for(lambda: len(redis_bus.delivered("out.txt")) >= 200)
    first.kill()  # SIGKILL: its read but unacknowledged entries stay pending
    first.wait()
    assert len(set(redis_bus.delivered("out.txt"))) < 1000
    again = redis_bus.consumer("worker-1", "out.txt")
    expected = set(redis_bus.produced_ids())
    assert len(expected) == 1000
    wait_for(lambda: set(redis_bus.delivered("out.txt")) >= expected)
    redis_bus.stop(again)
    assert set(redis_bus.delivered("out.txt")) == expected


def _restart_mid_stream(
    redis_bus: RedisBus,
    restart: Callable[[], None],
    *,
    down_for: float,
    count: int = 600,
    delay: float = 0.0,
    spool: bool = False,
) -> None:
    """Send ``count`` events one by one while ``restart`` takes Redis away for ``down_for`` s.

    Without a spool a send fails while Redis is away and the worker tries it again; with
    ``EVENT_BUS_SPOOL_PATH`` the producer keeps every event in its spool file and goes on.
    """
    server = redis_bus.server
    if spool:
        redis_bus.env["EVENT_BUS_SPOOL_PATH"] = str(redis_bus.directory / "spool.db")
    consumer = redis_bus.consumer("c", "out.txt")
    producer = redis_bus.start(
        *("produce", TOPIC, str(count), "0", "--delay", str(delay)),
        *("--one-by-one", str(redis_bus.directory / "sent.txt")),
    )
    wait_for(lambda: len(redis_bus.sent("sent.txt")) >= 150)
    restart()
    at_outage = len(redis_bus.sent("sent.txt"))
    time.sleep(down_for)
    during_outage = len(redis_bus.sent("sent.txt")) - at_outage
    server.start()
    redis_bus.finish(producer, timeout=120)
    sent = redis_bus.sent("sent.txt")
    assert len(sent) == count
    if spool:  # the producer went on sending into its spool while Redis was away
        assert during_outage >= down_for / max(delay, 0.001) / 4, during_outage
    else:  # each send raised until Redis was back: none was taken while it was away
        assert during_outage <= 1, during_outage
    wait_for(lambda: set(redis_bus.delivered("out.txt")) >= set(sent), timeout=60)
    # Both processes came through by themselves: neither was restarted.
    assert consumer.poll() is None
    redis_bus.stop(consumer)
    assert set(redis_bus.delivered("out.txt")) == set(sent)
    # One producer: its events are in the stream and delivered in the order it sent them
    # (a send retried after a lost reply may have stored an event twice; never out of order).
    assert _first_occurrences(redis_bus.produced_ids()) == sent
    assert _first_occurrences(redis_bus.delivered("out.txt")) == sent


def test_redis_killed_mid_stream_with_an_fsynced_aof_loses_no_event(redis_bus: RedisBus) -> None:
    # appendfsync always: Redis answers a write only once it is in the AOF on disk, so a
    # kill -9 of the server loses no entry and no acknowledgement a client was told about.
    _restart_mid_stream(redis_bus, redis_bus.server.kill, down_for=0.5)


def test_redis_shut_down_gracefully_mid_stream_loses_no_event(tmp_path: Path) -> None:
    # No AOF: SHUTDOWN SAVE writes an RDB snapshot as the server stops, which it loads again.
    server = RedisServer(tmp_path / "redis-rdb")
    server.start()
    bus = RedisBus(tmp_path, server)
    try:
        _restart_mid_stream(bus, lambda: server.shutdown(save=True), down_for=0.5)
    finally:
        for process in bus.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        server.stop()


@pytest.mark.slow
def test_redis_away_for_10_seconds_sends_raise_then_both_sides_recover_by_themselves(
    redis_bus: RedisBus,
) -> None:
    _restart_mid_stream(redis_bus, redis_bus.server.kill, down_for=10.0)


@pytest.mark.slow
def test_redis_away_for_10_seconds_sends_spool_then_both_sides_recover_by_themselves(
    redis_bus: RedisBus,
) -> None:
    # Sends 20 ms apart: at most 500 fit in the outage, so the producer still runs when Redis
    # is back (a producer that exits first leaves its spool to the next one started).
    _restart_mid_stream(
        redis_bus, redis_bus.server.kill, down_for=10.0, count=700, delay=0.02, spool=True
    )


# --- poison --------------------------------------------------------------------------------


@pytest.fixture
def redis_settings(tmp_path: Path) -> Iterator[RedisServer]:
    # No persistence: nothing here restarts the server, and an fsync per write would only
    # slow the 11,000 writes down.
    server = RedisServer(tmp_path / "redis-plain").start()
    reset_configuration()
    # No MAXLEN bound: the test counts every entry it wrote.
    configure(EVENT_BUS_REDIS_CONNECTION_URL=server.url, EVENT_BUS_REDIS_STREAM_MAX_LEN=0)
    reset_producer()
    yield server
    reset_configuration()
    reset_producer()
    server.stop()


def test_1000_poison_entries_among_10000_good_ones_are_dead_lettered_and_the_rest_delivered(
    redis_settings: RedisServer,
) -> None:
    from openedx_events.event_bus.redis import (  # noqa: PLC0415  (needs the settings above)
        create_consumer,
        create_producer,
    )

    producer = create_producer()
    kinds = poison_kinds(1000)
    poisoned: dict[str, str] = {}  # stream id -> kind
    good: list[str] = []
    with redis_settings.client() as client:
        for turn, kind in enumerate(kinds):
            events = [
                (sample_event_data(SIGNAL, turn * 10 + i), SIGNAL.generate_signal_metadata())
                for i in range(10)
            ]
            producer.send_batch(signal=SIGNAL, topic=TOPIC, event_key_field=None, events=events)
            good.extend(str(metadata.id) for _, metadata in events)
            entry_id = client.xadd(TOPIC, poison_entry(kind, turn))  # type: ignore[arg-type]
            poisoned[entry_id.decode()] = kind
        assert client.xlen(TOPIC) == 11_000

    delivered: list[str] = []

    def receiver(metadata: Any, **kwargs: Any) -> None:
        delivered.append(str(metadata.id))

    SIGNAL.connect(receiver, weak=False)
    try:
        consumer = create_consumer(topic=TOPIC, group_id="poison", consumer_name="c")
        stats = consumer.run(until_idle=True)
    finally:
        SIGNAL.disconnect(receiver)

    assert sorted(delivered) == sorted(good)
    assert stats.delivered == 10_000
    assert stats.dead_lettered == 1000
    letters = list_dead_letters(consumer.backend, TOPIC, limit=2000)
    assert {str(letter.position): letter for letter in letters}.keys() == poisoned.keys()
    for letter in letters:
        kind = poisoned[str(letter.position)]
        expected = Reason.UNKNOWN_EVENT_TYPE if kind == "unknown_type" else Reason.UNDECODABLE
        assert (letter.reason, letter.group) == (expected, "poison"), (kind, letter)
        assert letter.error
    assert {poisoned[str(letter.position)] for letter in letters} == set(KINDS)
    with redis_settings.client() as client:
        # Everything was acknowledged: the group has nothing pending and nothing left to read.
        assert client.xpending(TOPIC, "poison")["pending"] == 0
        assert client.xlen(dead_letter_topic(TOPIC)) == 1000


def test_a_consumer_is_stopped_cleanly_by_sigterm_while_redis_is_away(
    redis_bus: RedisBus,
) -> None:
    redis_bus.produce(50)
    consumer = redis_bus.consumer("c", "out.txt")
    wait_for(lambda: len(redis_bus.delivered("out.txt")) == 50)
    redis_bus.server.kill()
    time.sleep(1.0)
    redis_bus.stop(consumer, signal.SIGTERM)
