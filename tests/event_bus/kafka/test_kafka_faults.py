"""Faults on a real Kafka-protocol broker: killed consumers, rebalances, poison, broker restarts.

Consumers run as real processes (``_bus_worker.py``) that are killed with SIGKILL. Those tests
run on Tansu: noida-db 0.2.3 never expires the group membership of a killed consumer, so its
partitions would stay with the dead member. The broker restart runs on noida-db (Tansu keeps
nothing across a restart), stopped and started again on the same port and data directory.
Each test ends with every event delivered (at least once) or dead-lettered with its reason.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _kafka_helpers import make_kafka_backend
from _worker_processes import TOPIC, WorkerProcesses, wait_for
from confluent_kafka import Producer
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events import configure
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus import BusConsumer, BusProducer, RetryPolicy, list_dead_letters
from openedx_events.event_bus._private.spool import Spool
from openedx_events.event_bus.kafka import KafkaBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data


class KafkaBus(WorkerProcesses):
    """Worker processes on one broker and registry, configured through the environment."""

    def __init__(self, directory: Path, broker: KafkaBroker, registry: SchemaRegistryDouble):
        super().__init__(
            directory,
            EVENT_BUS_PRODUCER="openedx_events.event_bus.kafka.create_producer",
            EVENT_BUS_CONSUMER="openedx_events.event_bus.kafka.create_consumer",
            EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
            EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL=registry.url,
            EVENT_BUS_KAFKA_TOPIC_PARTITIONS="4",
            EVENT_BUS_KAFKA_CONSUMER_CONFIG=json.dumps(
                {
                    "session.timeout.ms": 6000,
                    "heartbeat.interval.ms": 500,
                    "max.poll.interval.ms": 10000,
                }
            ),
            EVENT_BUS_KAFKA_EXTRA_CONFIG=json.dumps({"log_level": 2}),
        )
        self.broker = broker
        self.registry = registry
        self.sent: list[str] = []

    def produce(self, count: int) -> None:
        """Publish ``count`` events (spread over the topic's partitions by their keys)."""
        backend = make_kafka_backend(self.broker, self.registry, partitions=4)
        events = [
            (sample_event_data(SIGNAL, i), SIGNAL.generate_signal_metadata()) for i in range(count)
        ]
        try:
            BusProducer(backend).send_batch(
                signal=SIGNAL, topic=TOPIC, event_key_field=SIGNAL.event_key_field, events=events
            )
        finally:
            backend.close()
        self.sent = [str(metadata.id) for _, metadata in events]

    def produced_ids(self) -> list[str]:
        return list(self.sent)


@pytest.fixture
def tansu_broker(tmp_path: Path) -> Iterator[KafkaBroker]:
    """A Tansu broker of the test's own (memory storage), on a free port."""
    with KafkaBroker("tansu", data_dir=tmp_path) as broker:
        yield broker


@pytest.fixture
def bus(
    tmp_path: Path, tansu_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> Iterator[KafkaBus]:
    made = KafkaBus(tmp_path, tansu_broker, schema_registry)
    yield made
    made.close()


def test_a_consumer_killed_mid_stream_and_restarted_loses_no_event(bus: KafkaBus) -> None:
    bus.produce(400)
    first = bus.consumer("worker-1", "out.txt", "--delay", "0.003")
    wait_for(lambda: len(bus.delivered("out.txt")) >= 60)
    first.kill()  # SIGKILL: no chance to commit or leave the group
    first.wait()
    assert len(set(bus.delivered("out.txt"))) < 400
    again = bus.consumer("worker-1", "out.txt")
    expected = set(bus.produced_ids())
    wait_for(lambda: set(bus.delivered("out.txt")) >= expected)
    bus.stop(again)
    assert set(bus.delivered("out.txt")) == expected


def test_two_consumers_share_a_group_and_one_takes_over_when_the_other_dies(
    bus: KafkaBus,
) -> None:
    bus.produce(400)
    doomed = bus.consumer("a", "a.txt", "--delay", "0.01")
    survivor = bus.consumer("b", "b.txt", "--delay", "0.01")
    wait_for(lambda: len(bus.delivered("a.txt")) >= 10 and len(bus.delivered("b.txt")) >= 10)
    doomed.kill()
    doomed.wait()
    expected = set(bus.produced_ids())
    # The dead member's partitions pass to the survivor once its session times out.
    wait_for(lambda: set(bus.delivered("a.txt", "b.txt")) >= expected)
    bus.stop(survivor)
    assert set(bus.delivered("a.txt", "b.txt")) == expected


def test_poison_messages_are_dead_lettered_with_their_reason_and_the_rest_delivered(
    kafka_backend: KafkaBackend, kafka_broker: KafkaBroker
) -> None:
    producer = BusProducer(kafka_backend)
    events = [(sample_event_data(SIGNAL, i), SIGNAL.generate_signal_metadata()) for i in range(4)]
    producer.send_batch(
        signal=SIGNAL, topic=TOPIC, event_key_field=SIGNAL.event_key_field, events=events[:2]
    )
    raw = Producer({"bootstrap.servers": kafka_broker.bootstrap_servers})
    good_headers: list[tuple[str, str | bytes | None]] = [
        ("ce_type", SIGNAL.event_type.encode()),
        ("ce_id", b"not-a-uuid"),
    ]
    raw.produce(TOPIC, value=b"\x00\x00\x00\x00\x01garbage", headers=good_headers)
    raw.produce(
        TOPIC, value=b"not framed at all", headers=[("ce_type", SIGNAL.event_type.encode())]
    )
    raw.produce(TOPIC, value=b"x", headers=[("ce_type", b"org.example.unknown.v1")])
    raw.produce(TOPIC, value=b"no headers")
    assert raw.flush(10) == 0
    producer.send_batch(
        signal=SIGNAL, topic=TOPIC, event_key_field=SIGNAL.event_key_field, events=events[2:]
    )
    got: list[str] = []

    def receiver(metadata: object, **kwargs: object) -> None:
        got.append(str(metadata.id))  # type: ignore[attr-defined]

    SIGNAL.connect(receiver, weak=False)
    try:
        consumer = BusConsumer(
            kafka_backend,
            topic=TOPIC,
            group_id="g",
            retry=RetryPolicy(max_attempts=1),
        )
        stats = consumer.run(until_idle=True)
    finally:
        SIGNAL.disconnect(receiver)
    assert got == [str(metadata.id) for _, metadata in events]
    assert stats.dead_lettered == 4
    letters = list_dead_letters(kafka_backend, TOPIC)
    assert [letter.reason for letter in letters] == [
        "undecodable",
        "undecodable",
        "unknown_event_type",
        "undecodable",
    ]
    assert all(letter.error for letter in letters)
    (group,) = kafka_backend.groups(TOPIC)
    assert group.lag == 0  # the poison was committed past, once dead-lettered


@pytest.fixture
def kafka_settings(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble, tmp_path: Path
) -> Iterator[Path]:
    reset_configuration()
    spool = tmp_path / "spool.db"
    configure(
        EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS=kafka_broker.bootstrap_servers,
        EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL=schema_registry.url,
        EVENT_BUS_KAFKA_EXTRA_CONFIG={"message.timeout.ms": 2000, "log_level": 2},
        EVENT_BUS_KAFKA_CONSUMER_CONFIG={"session.timeout.ms": 6000},
        EVENT_BUS_SPOOL_PATH=str(spool),
    )
    yield spool
    reset_configuration()


def test_the_broker_stopped_and_started_while_producing_loses_no_event(
    kafka_settings: Path, kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> None:
    from openedx_events.event_bus.kafka import close_backends, create_producer  # noqa: PLC0415

    producer = create_producer()
    assert isinstance(producer.spool, Spool)
    sent: list[str] = []
    spooled: list[int] = []
    done = threading.Event()
    # The broker is stopped between two sends, with no write of ours in flight: noida-db
    # 0.2.3 acknowledges a write that reaches it during its SIGTERM shutdown and then does not
    # keep it. Measured with plain confluent-kafka under load, that lost the last acknowledged
    # message in 7 of 60 restarts, and none in 60 when nothing was in flight. A lost
    # acknowledged write is the broker's fault, which no client can make up for; what is
    # tested is ours: every send during the outage and the restart reaches the broker.
    between_sends = threading.Event()
    broker_stopped = threading.Event()

    def produce() -> None:
        for index in range(300):
            if index == 50:
                between_sends.set()
                broker_stopped.wait(30)
            metadata = SIGNAL.generate_signal_metadata()
            producer.send(
                signal=SIGNAL,
                topic=TOPIC,
                event_key_field=SIGNAL.event_key_field,
                event_data=sample_event_data(SIGNAL, index),
                event_metadata=metadata,
            )
            sent.append(str(metadata.id))
            spooled.append(len(producer.spool))  # type: ignore[arg-type]
            time.sleep(0.005)
        done.set()

    thread = threading.Thread(target=produce)
    thread.start()
    wait_for(between_sends.is_set)
    kafka_broker.stop()
    broker_stopped.set()
    time.sleep(3)
    kafka_broker.start()
    thread.join(timeout=120)
    assert done.is_set()
    spool = producer.spool
    assert spool is not None
    wait_for(lambda: len(spool) == 0, timeout=60)
    backend = make_kafka_backend(kafka_broker, schema_registry)
    try:
        stored = [r.headers["id"] for r in backend.read(TOPIC, limit=10_000)]
    finally:
        backend.close()
        close_backends()
    assert max(spooled) > 0  # the broker's absence was noticed: events waited in the spool
    assert set(stored) == set(sent)
    assert len(sent) == 300
