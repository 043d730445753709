"""How a Kafka group member's claims wait, batch and commit, on a real broker."""

from __future__ import annotations

import threading
import time

from _kafka_helpers import make_kafka_backend
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events.event_bus import Message


def _messages(count: int, start: int = 0) -> list[Message]:
    return [
        Message(headers={"type": "t", "id": f"id-{i}"}, payload=f"{i}".encode())
        for i in range(start, start + count)
    ]


def test_a_record_arriving_during_a_claims_wait_comes_at_once(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> None:
    backend = make_kafka_backend(kafka_broker, schema_registry)
    writer = make_kafka_backend(kafka_broker, schema_registry)
    try:
        backend.append("lone", _messages(1))
        (first,) = backend.claim("lone", "g", "c", limit=100, wait=1.0)  # joins the group
        assert backend.commit("lone", "g", "c", [first])
        assert backend.claim("lone", "g", "c", limit=100, wait=0.2) == []

        timer = threading.Timer(0.5, lambda: writer.append("lone", _messages(1, start=1)))
        timer.start()
        asked = time.monotonic()
        records = backend.claim("lone", "g", "c", limit=100, wait=8.0)
        waited = time.monotonic() - asked
        timer.join()
        # Asked for up to 100 with a wait of 8 s, the claim returns the one record that
        # came, not after the whole wait.
        assert [r.payload for r in records] == [b"1"]
        assert waited < 4.0
    finally:
        writer.close()
        backend.close()


def test_claims_and_commits_in_batches_deliver_every_record_once_in_order(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> None:
    backend = make_kafka_backend(kafka_broker, schema_registry)
    try:
        backend.append("many", _messages(1200))
        seen: list[bytes] = []
        deadline = time.monotonic() + 60
        while len(seen) < 1200 and time.monotonic() < deadline:
            records = backend.claim("many", "g", "c", limit=500, wait=0.1)
            # Uncommitted records come again, first, on the next claim.
            assert backend.claim("many", "g", "c", limit=500) == records
            seen.extend(r.payload for r in records)
            if records:
                assert backend.commit("many", "g", "c", records)
        assert seen == [f"{i}".encode() for i in range(1200)]
        (group,) = backend.groups("many")
        assert (group.committed, group.lag, group.pending) == ((0, 1199), 0, 0)
    finally:
        backend.close()
