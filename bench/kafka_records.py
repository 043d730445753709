"""Per event: turning confluent-kafka messages into bus records in the Kafka backend.

    .venv/bin/python bench/kafka_records.py            # 20,000 events, best of 7 passes

Events are sent by ``BusProducer`` to a noida-db broker started for the run, read back raw
with a confluent-kafka consumer, then, with no broker on the clock, turned into records by
the backend (``KafkaBackend._records``, which ``claim`` and ``read`` use) beside two floors
measured on the same messages: the message accessors (``headers``, ``value``, ``key``,
``partition``, ``offset``, ``timestamp``) with ``record_of``, and those plus the headers
renamed into a dict, the least any reader that keeps them must do.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_TESTS = Path(__file__).resolve().parent.parent / "tests" / "event_bus"
sys.path[:0] = [str(_TESTS), str(_TESTS / "kafka")]

from kafka_broker import KafkaBroker  # noqa: E402  (the test suite's broker launcher)
from schema_registry_double import SchemaRegistryDouble  # noqa: E402

from openedx_events.event_bus import BusProducer  # noqa: E402
from openedx_events.event_bus._private.records import Record, record_of  # noqa: E402
from openedx_events.event_bus.kafka import KafkaBackend  # noqa: E402
from openedx_events.event_bus.kafka._wire import headers_from_kafka  # noqa: E402
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL  # noqa: E402
from openedx_events.samples import sample_event_data  # noqa: E402


def _accessors(topic: str, messages: list[Any]) -> list[Record]:
    records = []
    for m in messages:
        m.headers(), m.key()  # taken, as a reader must, and dropped
        records.append(
            record_of(
                topic,
                (m.partition(), m.offset()),
                {},
                m.value(),
                appended_at=max(m.timestamp()[1], 0) / 1000,
            )
        )
    return records


def _with_headers(topic: str, messages: list[Any]) -> list[Record]:
    return [
        record_of(
            topic, (m.partition(), m.offset()), headers_from_kafka(m.headers()), m.value()[5:],
            key=m.key()[6:].decode(), appended_at=max(m.timestamp()[1], 0) / 1000,
        )
        for m in messages
    ]  # fmt: skip


def _best(function: Callable[[str, list[Any]], list[Record]], messages: list[Any]) -> float:
    times = []
    for _ in range(7):
        start = time.perf_counter()
        function("records", messages)
        times.append(time.perf_counter() - start)
    return min(times) / len(messages) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    count = parser.parse_args().events
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition  # noqa: PLC0415
    from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: PLC0415

    with KafkaBroker().start() as broker, SchemaRegistryDouble() as registry:
        backend = KafkaBackend(
            {"bootstrap.servers": broker.bootstrap_servers, "log_level": 2},
            SchemaRegistryClient({"url": registry.url}),
        )
        producer = BusProducer(backend)
        data = [sample_event_data(SIGNAL, i) for i in range(20)]
        for first in range(0, count, 500):
            events = [
                (data[i % 20], SIGNAL.generate_signal_metadata())
                for i in range(first, min(count, first + 500))
            ]
            producer.send_batch(
                signal=SIGNAL, topic="records", event_key_field=SIGNAL.event_key_field,
                events=events,
            )  # fmt: skip
        consumer = Consumer({"bootstrap.servers": broker.bootstrap_servers, "group.id": "records"})
        consumer.assign([TopicPartition("records", 0, OFFSET_BEGINNING)])
        messages: list[Any] = []
        while len(messages) < count:
            messages.extend(m for m in consumer.consume(1000, 1.0) if m.error() is None)
        consumer.close()
        backend._records("records", messages[:10])  # off the clock: the schemas' look-ups
        print(f"{count} events, us per event, best of 7 passes")
        print(f"  accessors + record_of:            {_best(_accessors, messages):6.2f}")
        print(f"  ... + headers renamed into a dict: {_best(_with_headers, messages):6.2f}")
        print(f"  KafkaBackend._records:            {_best(backend._records, messages):6.2f}")
        backend.close()


if __name__ == "__main__":
    main()
