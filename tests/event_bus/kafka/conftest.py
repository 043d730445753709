"""Fixtures for the Kafka tests: a real broker of their own and the Schema Registry double."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events.event_bus.kafka import KafkaBackend


@pytest.fixture(scope="session")
def schema_registry() -> Iterator[SchemaRegistryDouble]:
    """The registry double (no Confluent Schema Registry can be installed here)."""
    with SchemaRegistryDouble() as registry:
        yield registry


@pytest.fixture
def kafka_broker(tmp_path: Path) -> Iterator[KafkaBroker]:
    """A noida-db broker of this test's own, on a free port, with its data under tmp_path."""
    broker = KafkaBroker("noida", data_dir=tmp_path / "broker")
    broker.data_dir.mkdir()
    broker.start()
    yield broker
    broker.close()


def make_backend(
    broker: KafkaBroker, registry: SchemaRegistryDouble, *, partitions: int = 1
) -> KafkaBackend:
    """A backend on ``broker``: group members give up after 6 s, noida-db's smallest."""
    from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: PLC0415

    return KafkaBackend(
        {"bootstrap.servers": broker.bootstrap_servers},
        SchemaRegistryClient({"url": registry.url}),
        partitions=partitions,
        consumer_config={"session.timeout.ms": 6000, "heartbeat.interval.ms": 500},
    )


@pytest.fixture
def kafka_backend(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> Iterator[KafkaBackend]:
    backend = make_backend(kafka_broker, schema_registry)
    yield backend
    backend.close()
