"""Interop with edx-event-bus-kafka 6.2.0 on one broker and registry, in both directions.

Events of several types go from our producer to the reference's consumer and from the
reference's producer to our consumer; both sides get identical data and metadata, and the
messages the two producers write (key, value and headers) are identical byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka import Consumer
from kafka_broker import KafkaBroker
from reference_kafka import has_python312, run_side
from schema_registry_double import SchemaRegistryDouble

from openedx_events import configure
from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus.avro.serializer import AvroSignalSerializer
from openedx_events.event_bus.kafka import close_backends, create_consumer, create_producer
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

pytestmark = pytest.mark.skipif(
    not has_python312(), reason="the reference implementation needs Python 3.12, absent here"
)

EVENT_TYPES = (
    "org.openedx.learning.course.enrollment.created.v1",
    "org.openedx.learning.certificate.created.v1",
    "org.openedx.content_authoring.xblock.published.v1",
    "org.openedx.content_authoring.course.catalog_info.changed.v1",
)
PREFIX = "interop"


def _events() -> list[tuple[OpenEdxPublicSignal, dict[str, Any], EventsMetadata]]:
    load_all_signals()
    events = []
    for event_type in EVENT_TYPES:
        signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
        for index in range(2):
            events.append(
                (signal, sample_event_data(signal, index), signal.generate_signal_metadata())
            )
    return events


@pytest.fixture
def kafka_settings(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> Iterator[None]:
    reset_configuration()
    configure(
        EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS=kafka_broker.bootstrap_servers,
        EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL=schema_registry.url,
        EVENT_BUS_TOPIC_PREFIX=PREFIX,
        EVENT_BUS_KAFKA_CONSUMER_CONFIG={"session.timeout.ms": 6000},
    )
    yield
    close_backends()
    reset_configuration()


def _raw_messages(servers: str, topic: str, count: int) -> list[Any]:
    consumer = Consumer(
        {"bootstrap.servers": servers, "group.id": f"raw-{topic}", "auto.offset.reset": "earliest"}
    )
    consumer.subscribe([topic])
    messages: list[Any] = []
    try:
        while len(messages) < count:
            batch = consumer.consume(count - len(messages), timeout=10)
            assert batch, f"{topic}: only {len(messages)} of {count} messages"
            messages.extend(m for m in batch if m.error() is None)
    finally:
        consumer.close()
    return sorted(messages, key=lambda m: (m.partition(), m.offset()))


def _metadata_json(metadata: EventsMetadata) -> dict[str, Any]:
    return {
        "event_type": metadata.event_type,
        "id": str(metadata.id),
        "minorversion": metadata.minorversion,
        "source": metadata.source,
        "sourcehost": metadata.sourcehost,
        "time": metadata.time.isoformat(),
        "sourcelib": list(metadata.sourcelib),
    }


def test_events_cross_both_ways_with_identical_data_metadata_key_and_headers(
    kafka_settings: None, kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> None:
    events = _events()
    producer = create_producer()
    for signal, data, metadata in events:
        producer.send(
            signal=signal,
            topic="ours",
            event_key_field=signal.event_key_field,
            event_data=data,
            event_metadata=metadata,
        )
    producer.prepare_for_shutdown()

    output = run_side(
        {
            "bootstrap_servers": kafka_broker.bootstrap_servers,
            "registry_url": schema_registry.url,
            "prefix": PREFIX,
            "produce_topic": "theirs",
            "consume_topic": "ours",
            "group": "reference",
            "consume_count": len(events),
            "events": [
                {
                    "event_type": signal.event_type,
                    "event_key_field": signal.event_key_field,
                    "record": AvroSignalSerializer(signal).to_dict(data),
                    "metadata": _metadata_json(metadata),
                }
                for signal, data, metadata in events
            ],
        }
    )

    # Ours -> the reference: its receivers got our data and metadata.
    expected: list[dict[str, Any]] = [
        {
            "event_type": signal.event_type,
            "record": AvroSignalSerializer(signal).to_dict(data),
            "metadata": _metadata_json(metadata),
        }
        for signal, data, metadata in events
    ]
    assert sorted(output["received"], key=lambda e: e["metadata"]["id"]) == sorted(
        expected, key=lambda e: e["metadata"]["id"]
    )

    # The reference -> ours: our receivers get the same data and metadata.
    got: list[tuple[str, dict[str, Any], EventsMetadata]] = []

    def receiver(signal: OpenEdxPublicSignal, sender: object, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata")
        kwargs.pop("from_event_bus")
        got.append((signal.event_type, kwargs, metadata))

    for signal in {signal for signal, _, _ in events}:
        signal.connect(receiver, weak=False)
    try:
        consumer = create_consumer(topic="theirs", group_id="ours")
        consumer.run(max_events=len(events))
    finally:
        for signal in {signal for signal, _, _ in events}:
            signal.disconnect(receiver)
    by_id = {
        str(metadata.id): (signal.event_type, data, metadata) for signal, data, metadata in events
    }
    assert len(got) == len(events)
    for event_type, data, metadata in got:
        assert by_id[str(metadata.id)] == (event_type, data, metadata)

    # The two producers wrote the same bytes: key, value and headers, in the same order.
    servers = kafka_broker.bootstrap_servers
    ours = _raw_messages(servers, f"{PREFIX}-ours", len(events))
    theirs = _raw_messages(servers, f"{PREFIX}-theirs", len(events))
    assert [m.key() for m in ours] == [m.key() for m in theirs]
    assert [m.value() for m in ours] == [m.value() for m in theirs]
    assert [m.headers() for m in ours] == [m.headers() for m in theirs]
    subjects = schema_registry.subjects()
    for topic in ("ours", "theirs"):
        assert f"{PREFIX}-{topic}-string" in subjects
        for event_type in EVENT_TYPES:
            assert f"{PREFIX}-{topic}-{event_type}.CloudEvent" in subjects
