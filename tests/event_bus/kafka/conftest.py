"""Fixtures for the Kafka tests (the broker and the registry double come from the parent)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _kafka_helpers import make_kafka_backend
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events.event_bus.kafka import KafkaBackend


@pytest.fixture
def kafka_backend(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> Iterator[KafkaBackend]:
    backend = make_kafka_backend(kafka_broker, schema_registry)
    yield backend
    backend.close()
