"""``openedx-events bus status --kafka SERVERS``: topics, groups, lag and dead letters on Kafka."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from _kafka_helpers import make_kafka_backend
from click.testing import CliRunner
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events._private.settings import reset_configuration
from openedx_events.cli import main
from openedx_events.event_bus import Message, Record
from openedx_events.event_bus._private.loading import reset_producer
from openedx_events.event_bus.kafka import close_backends


@pytest.fixture
def clean_settings() -> Iterator[None]:
    yield
    close_backends()
    reset_configuration()
    reset_producer()


def test_bus_status_shows_each_topic_its_dead_letters_and_each_group_lag(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble, clean_settings: None
) -> None:
    backend = make_kafka_backend(kafka_broker, schema_registry)
    messages = [Message(headers={"type": "t", "id": f"id-{i}"}, payload=b"x") for i in range(3)]
    backend.append("orders", messages)
    backend.append("orders.dlq", messages[:1])
    records = backend.claim("orders", "billing", "worker", limit=2)
    assert backend.commit("orders", "billing", "worker", records)
    backend.close()

    result = CliRunner().invoke(
        main, ["bus", "status", "--kafka", kafka_broker.bootstrap_servers, "--json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert (row["topic"], row["length"], row["dead_letters"]) == ("orders", 3, 1)
    (group,) = row["groups"]
    assert (group["group"], group["committed"], group["lag"]) == ("billing", "(0, 1)", 1)

    table = CliRunner(env={"COLUMNS": "200"}).invoke(
        main, ["bus", "status", "--kafka", kafka_broker.bootstrap_servers]
    )
    assert table.exit_code == 0, table.output
    assert "orders" in table.output
    assert f"kafka:{kafka_broker.bootstrap_servers}" in table.output


def test_bus_status_shows_partitions_and_each_partition_committed_offset_and_lag(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble, clean_settings: None
) -> None:
    backend = make_kafka_backend(kafka_broker, schema_registry, partitions=2)
    keyed = [
        Message(headers={"type": "t", "id": f"id-{i}"}, payload=b"x", key=f"k{i}") for i in range(8)
    ]
    backend.append("split", keyed)
    records = backend.claim("split", "billing", "worker", limit=8)
    assert len(records) == 8
    per_partition = {p: sum(1 for r in records if _partition(r) == p) for p in (0, 1)}
    assert all(per_partition.values())  # the keys spread over both partitions
    assert backend.commit("split", "billing", "worker", records)
    backend.append("split", keyed[:1])  # one more on the first key's partition
    (first_key_partition,) = {_partition(r) for r in records if r.key == "k0"}
    backend.close()

    result = CliRunner().invoke(
        main, ["bus", "status", "--kafka", kafka_broker.bootstrap_servers, "--json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert (row["topic"], row["partitions"], row["length"]) == ("split", 2, 9)
    (group,) = row["groups"]
    assert group["lag"] == 1
    assert group["partitions"] == [
        {"partition": p, "committed": per_partition[p], "lag": int(p == first_key_partition)}
        for p in (0, 1)
    ]

    table = CliRunner(env={"COLUMNS": "200"}).invoke(
        main, ["bus", "status", "--kafka", kafka_broker.bootstrap_servers]
    )
    assert table.exit_code == 0, table.output
    assert "partitions" in table.output
    assert f"0:{per_partition[0]} 1:{per_partition[1]}" in table.output


def _partition(record: Record) -> int:
    assert isinstance(record.position, tuple)  # a Kafka position is (partition, offset)
    return record.position[0]
