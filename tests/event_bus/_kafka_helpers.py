"""Building a Kafka backend on a test's broker and the registry double."""

from __future__ import annotations

from _bus_helpers import Clock
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events.event_bus.kafka import KafkaBackend

__all__ = ["make_kafka_backend"]


def make_kafka_backend(
    broker: KafkaBroker,
    registry: SchemaRegistryDouble,
    *,
    partitions: int = 1,
    clock: Clock | None = None,
) -> KafkaBackend:
    """A backend on ``broker``: group members give up after 6 s, noida-db's smallest."""
    from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: PLC0415

    return KafkaBackend(
        {"bootstrap.servers": broker.bootstrap_servers, "log_level": 2},
        SchemaRegistryClient({"url": registry.url}),
        partitions=partitions,
        consumer_config={"session.timeout.ms": 6000, "heartbeat.interval.ms": 500},
        clock=clock,
    )
