"""``get_producer()`` on the Kafka bus follows the cluster and registry the settings name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events import configure
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus import BusProducer, get_producer
from openedx_events.event_bus._private.loading import reset_producer
from openedx_events.event_bus.kafka import close_backends
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data


@pytest.fixture
def clean_settings() -> Iterator[None]:
    yield
    close_backends()
    reset_configuration()
    reset_producer()


def _send(producer: BusProducer) -> None:
    producer.send(
        signal=SIGNAL,
        topic="settings-followed",
        event_key_field=SIGNAL.event_key_field,
        event_data=sample_event_data(SIGNAL, 1),
        event_metadata=SIGNAL.generate_signal_metadata(),
    )


def test_a_changed_registry_or_cluster_setting_gives_a_producer_of_its_own(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble, clean_settings: None
) -> None:
    servers = kafka_broker.bootstrap_servers
    configure(
        EVENT_BUS_PRODUCER="openedx_events.event_bus.kafka.create_producer",
        EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS=servers,
        EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL=schema_registry.url,
    )
    first = get_producer()
    assert isinstance(first, BusProducer)
    assert get_producer() is first

    with SchemaRegistryDouble() as other_registry:
        configure(EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL=other_registry.url)
        second = get_producer()
        assert isinstance(second, BusProducer)
        assert second is not first
        _send(second)
        # The event's schemas went to the registry the settings name now, not the first one.
        assert any(s.startswith("settings-followed-") for s in other_registry.subjects())
        assert not any(s.startswith("settings-followed-") for s in schema_registry.subjects())

        # The same broker, named otherwise: another cluster setting, another producer.
        configure(EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS=f"{servers},{servers}")
        assert get_producer() is not second
