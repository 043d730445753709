"""Closing a Kafka backend lets go of its brokers at once, not when it is garbage-collected."""

from __future__ import annotations

import time

import pytest
from _kafka_helpers import make_kafka_backend
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events.event_bus import EventBusStorageError, Message


def test_a_closed_backend_stops_reconnecting_to_a_broker_that_went_away(
    kafka_broker: KafkaBroker,
    schema_registry: SchemaRegistryDouble,
    capfd: pytest.CaptureFixture[str],
) -> None:
    backend = make_kafka_backend(kafka_broker, schema_registry)
    backend.append("closing", [Message(headers={"type": "t", "id": "one"}, payload=b"1")])
    # Its admin client and inspection consumer in use too, not only its producer.
    assert [record.payload for record in backend.read("closing")] == [b"1"]
    assert "closing" in {info.name for info in backend.topics()}
    backend.close()
    kafka_broker.close()
    time.sleep(1.0)  # librdkafka retries a lost broker within 100 ms
    # The backend is still referenced here: a client kept alive until collected would be
    # reconnecting now, and librdkafka says so on standard error.
    assert "Connect to" not in capfd.readouterr().err
    with pytest.raises(EventBusStorageError, match="closed"):
        backend.append("closing", [Message(headers={"type": "t", "id": "two"}, payload=b"2")])
    with pytest.raises(EventBusStorageError, match="closed"):
        backend.topics()
