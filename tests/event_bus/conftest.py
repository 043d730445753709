"""Fixtures for the event bus tests: a backend of each kind, settings, a signal's samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _bus_helpers import TIME_SCALE, Clock
from _kafka_helpers import make_kafka_backend
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events import configure
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus import Backend, disconnect_producer_receivers
from openedx_events.event_bus._private.loading import reset_producer
from openedx_events.event_bus.memory import MemoryBackend
from openedx_events.event_bus.sqlite import SqliteBackend


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def redis_backend(redis_url: str) -> Iterator[Backend]:
    """A Redis backend on the session's server, with the claim timeout of the contract."""
    from openedx_events.event_bus.redis import RedisBackend  # noqa: PLC0415

    made = RedisBackend(redis_url, claim_timeout=30.0 * TIME_SCALE)
    yield made
    made.close()


@pytest.fixture(scope="session")
def schema_registry() -> Iterator[SchemaRegistryDouble]:
    """The Schema Registry double (no Confluent Schema Registry can be installed here)."""
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


@pytest.fixture
def kafka_backend(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble, clock: Clock
) -> Iterator[Backend]:
    """A Kafka backend on the test's broker, stamping messages by the hand-moved clock."""
    made = make_kafka_backend(kafka_broker, schema_registry, clock=clock)
    yield made
    made.close()


@pytest.fixture(params=["memory", "sqlite"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Backend]:
    """Each backend in turn: every test using it is part of the contract they all pass."""
    made: Backend
    if request.param == "memory":
        made = MemoryBackend(claim_timeout=30.0, clock=clock)
    else:
        made = SqliteBackend(tmp_path / "bus.db", claim_timeout=30.0, clock=clock)
    yield made
    made.close()


@pytest.fixture
def bus_settings(tmp_path: Path) -> Iterator[Path]:
    """Settings pointing the default (embedded) bus at a fresh file; reset afterwards."""
    path = tmp_path / "settings-bus.db"
    reset_configuration()
    configure(EVENT_BUS_SQLITE_PATH=str(path))
    reset_producer()
    yield path
    disconnect_producer_receivers()
    reset_configuration()
    reset_producer()
