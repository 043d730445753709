"""Running the Redis bus: its settings, the reference's consumer options, trimming, status."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest

from openedx_events import configure
from openedx_events.event_bus import (
    BusConsumer,
    BusProducer,
    Message,
    RetryPolicy,
    decode_record,
    make_single_consumer,
)
from openedx_events.event_bus.redis import RedisBackend, create_consumer, create_producer
from openedx_events.exceptions import ProducerConfigurationError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data

SIGNAL = COURSE_ENROLLMENT_CREATED
FAST = RetryPolicy(max_attempts=1, initial_delay=0.001, max_delay=0.002)


def _produce(backend: RedisBackend, count: int, topic: str = "enrollments") -> list[str]:
    events = [
        (sample_event_data(SIGNAL, i), SIGNAL.generate_signal_metadata()) for i in range(count)
    ]
    BusProducer(backend).send_batch(signal=SIGNAL, topic=topic, event_key_field=None, events=events)
    return [str(metadata.id) for _, metadata in events]


@pytest.fixture
def redis_settings(bus_settings: Path, redis_url: str) -> str:
    configure(
        EVENT_BUS_PRODUCER="openedx_events.event_bus.redis.create_producer",
        EVENT_BUS_CONSUMER="openedx_events.event_bus.redis.create_consumer",
        EVENT_BUS_REDIS_CONNECTION_URL=redis_url,
    )
    return redis_url


def test_a_missing_connection_url_is_a_configuration_error(bus_settings: Path) -> None:
    configure(EVENT_BUS_CONSUMER="openedx_events.event_bus.redis.create_consumer")
    with pytest.raises(ProducerConfigurationError, match="EVENT_BUS_REDIS_CONNECTION_URL"):
        create_consumer(topic="t", group_id="g")


def test_the_reference_consumer_options_work(redis_settings: str) -> None:
    backend = RedisBackend(redis_settings)
    _produce(backend, 4)
    second = backend.read("enrollments")[1].position
    consumer = make_single_consumer(
        topic="enrollments",
        group_id="g",
        consumer_name="worker-1",
        last_read_msg_id=str(second),
        check_backlog=True,
        claim_msgs_older_than=250,
        retry=FAST,
    )
    assert isinstance(consumer, BusConsumer)
    assert consumer.consumer_name == "worker-1"
    assert isinstance(consumer.backend, RedisBackend)
    assert consumer.backend.claim_timeout == 0.25
    assert consumer.run(until_idle=True).delivered == 2  # only the entries after that id
    backend.close()


def test_a_dead_consumers_entries_are_taken_over_after_claim_msgs_older_than(
    redis_settings: str,
) -> None:
    backend = RedisBackend(redis_settings)
    ids = _produce(backend, 5)
    held = backend.claim("enrollments", "g", "crashed", limit=3)  # and then it died
    assert len(held) == 3
    got: list[str] = []

    def receiver(metadata: Any, **kwargs: Any) -> None:
        got.append(str(metadata.id))

    SIGNAL.connect(receiver, weak=False)
    try:
        decode_record(held[0])  # the codecs are built before the clock matters
        consumer = create_consumer(
            topic="enrollments", group_id="g", claim_msgs_older_than=1000, retry=FAST
        )
        assert consumer.run(until_idle=True).delivered == 2  # the crashed one's are not idle yet
        time.sleep(1.05)
        assert consumer.run(until_idle=True).delivered == 5  # counted since it was made
    finally:
        SIGNAL.disconnect(receiver)
    assert sorted(got) == sorted(ids)
    (group,) = backend.groups("enrollments")
    assert (group.lag, group.pending) == (0, 0)
    backend.close()


def test_the_kill_switch_stops_consumers_before_they_start(redis_settings: str) -> None:
    configure(EVENT_BUS_REDIS_CONSUMERS_ENABLED=False)
    backend = RedisBackend(redis_settings)
    _produce(backend, 2)
    create_consumer(topic="enrollments", group_id="g").consume_indefinitely()
    assert backend.groups("enrollments") == []
    backend.close()


def test_streams_are_bounded_as_the_reference_bounds_them(redis_settings: str) -> None:
    configure(EVENT_BUS_REDIS_STREAM_MAX_LEN=50)
    made = create_producer()
    assert isinstance(made.backend, RedisBackend)
    for _ in range(10):
        _produce(made.backend, 100)
    # MAXLEN ~ trims whole nodes: about 50 are left, never all 1,000.
    assert 50 <= made.backend.length("enrollments") < 1000


def test_trimming_warns_when_a_group_has_not_handled_what_is_trimmed(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    backend = RedisBackend(redis_url, max_len=10)
    backend.claim("t", "slow", "c", limit=1)  # the group exists and has read nothing
    caplog.set_level(logging.WARNING, logger="openedx_events.event_bus.redis")
    messages = [Message(headers={"id": str(i)}, payload=b"x") for i in range(300)]
    for start in range(0, 300, 50):
        backend._trim_watch._next_check.clear()  # check after every append
        backend.append("t", messages[start : start + 50])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("'slow'" in w and "not handled are trimmed" in w for w in warnings), warnings
    assert backend.append("t.dlq", messages[:200])  # dead letters are never trimmed
    assert backend.length("t.dlq") == 200
    backend.close()


def test_a_consumer_renews_its_liveness_file_while_it_runs(
    redis_backend: RedisBackend, tmp_path: Path
) -> None:
    alive = tmp_path / "alive"
    seen: list[bool] = []
    consumer = BusConsumer(redis_backend, topic="t", group_id="g", retry=FAST, liveness_file=alive)

    def receiver(**kwargs: Any) -> None:
        seen.append(alive.exists())

    SIGNAL.connect(receiver, weak=False)
    try:
        _produce(redis_backend, 1, topic="t")
        consumer.run(until_idle=True)
    finally:
        SIGNAL.disconnect(receiver)
    assert seen == [True]
    assert not alive.exists()  # a consumer that stopped is not alive


def test_a_commit_still_acknowledges_after_redis_forgot_its_scripts(redis_url: str) -> None:
    backend = RedisBackend(redis_url)
    try:
        _produce(backend, 3)
        records = backend.claim("enrollments", "group", "one", limit=3)
        backend.client.script_flush()  # as after a restart or a failover
        assert backend.commit("enrollments", "group", "one", records) is True
        assert backend.client.xpending("enrollments", "group")["pending"] == 0
        assert backend.commit("enrollments", "group", "one", records) is False  # held no more
    finally:
        backend.close()
