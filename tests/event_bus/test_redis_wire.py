"""Redis entries as the reference's Redis bus writes them, and entries nobody should have written.

The reference stores an event as one stream entry whose fields are the seven metadata headers
and ``event_data`` (the Avro bytes); the golden wire vectors (``tests/golden``, written by the
reference's own Redis bus code) give those fields for events of every bus-compatible type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from golden_data import wire_vectors
from openedx_events.event_bus import BusConsumer, BusProducer, RetryPolicy, decode_record
from openedx_events.event_bus.redis import RedisBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data

FAST = RetryPolicy(max_attempts=2, initial_delay=0.001, max_delay=0.002)
SIGNAL = COURSE_ENROLLMENT_CREATED


def _vector_params() -> list[Any]:
    return [pytest.param(vector, id=vector["vector_id"]) for vector in wire_vectors()]


@pytest.fixture
def raw(redis_url: str) -> Iterator[Any]:
    """A plain redis-py client on the test's server, for writing and reading entries directly."""
    import redis  # noqa: PLC0415  (the optional dependency, installed with the dev extra)

    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def _entry(vector: dict[str, Any]) -> dict[bytes, bytes]:
    fields = {k.encode(): v.encode() for k, v in vector["headers"]["redis"].items()}
    fields[b"event_data"] = bytes.fromhex(vector["avro_bytes_hex"])
    return fields


@pytest.mark.parametrize("vector", _vector_params())
def test_a_reference_entry_decodes_and_encodes_back_to_the_same_fields(
    vector: dict[str, Any], redis_backend: RedisBackend, raw: Any
) -> None:
    raw.xadd("from-reference", _entry(vector))
    (record,) = redis_backend.read("from-reference")
    event = decode_record(record)
    assert event.signal.event_type == vector["event_type"]
    assert str(event.metadata.id) == vector["metadata"]["id"]
    assert event.metadata.time.isoformat() == vector["metadata"]["time"]
    assert list(event.metadata.sourcelib) == vector["metadata"]["sourcelib"]
    BusProducer(redis_backend).send(
        signal=event.signal,
        topic="to-reference",
        event_key_field=None,
        event_data=event.data,
        event_metadata=event.metadata,
    )
    ((_, fields),) = raw.xrange("to-reference")
    assert fields == _entry(vector)
    assert list(fields) == [*(k.encode() for k in vector["headers"]["redis"]), b"event_data"]


@pytest.fixture
def recorder() -> Iterator[list[str]]:
    got: list[str] = []

    def receiver(metadata: Any, **kwargs: Any) -> None:
        got.append(str(metadata.id))

    SIGNAL.connect(receiver, weak=False)
    yield got
    SIGNAL.disconnect(receiver)


def _good_entries(count: int) -> tuple[list[str], list[dict[bytes, bytes]]]:
    from openedx_events.event_bus import encode_event  # noqa: PLC0415

    ids, entries = [], []
    for i in range(count):
        metadata = SIGNAL.generate_signal_metadata()
        message = encode_event(SIGNAL, sample_event_data(SIGNAL, i), metadata, None)
        fields = {k.encode(): v.encode() for k, v in message.headers.items()}
        fields[b"event_data"] = message.payload
        ids.append(str(metadata.id))
        entries.append(fields)
    return ids, entries


def _without(fields: dict[bytes, bytes], name: bytes) -> dict[bytes, bytes]:
    return {k: v for k, v in fields.items() if k != name}


POISON: dict[str, Callable[[dict[bytes, bytes]], dict[bytes, bytes]]] = {
    "no event_data": lambda f: _without(f, b"event_data"),
    "no type": lambda f: _without(f, b"type"),
    "garbage Avro": lambda f: {**f, b"event_data": b"\xff\xfe garbage \x00" * 3},
    "unknown type": lambda f: {**f, b"type": b"org.openedx.nowhere.nothing.v1"},
    "huge event_data": lambda f: {**f, b"event_data": b"\x00" * (2 * 1024 * 1024)},
    "bad time": lambda f: {**f, b"time": b"yesterday"},
    "not UTF-8": lambda f: {**f, b"source": b"\xff\xfe"},
}


def test_poison_entries_are_dead_lettered_with_the_reason_and_the_consumer_goes_on(
    redis_url: str, raw: Any, recorder: list[str]
) -> None:
    backend = RedisBackend(redis_url, max_payload=1024 * 1024)
    ids, good = _good_entries(len(POISON) + 1)
    for index, make_poison in enumerate(POISON.values()):
        raw.xadd("mixed", good[index])
        raw.xadd("mixed", make_poison(good[index]))
    raw.xadd("mixed", good[-1])
    consumer = BusConsumer(
        backend, topic="mixed", group_id="g", retry=FAST, max_consecutive_errors=2, batch_size=4
    )
    stats = consumer.run(until_idle=True)
    assert recorder == ids
    assert stats.dead_lettered == len(POISON)
    letters = backend.read("mixed.dlq")
    reasons = [letter.headers["dlq_reason"] for letter in letters]
    assert reasons == [
        "undecodable",
        "undecodable",
        "undecodable",
        "unknown_event_type",
        "undecodable",
        "undecodable",
        "undecodable",
    ]
    assert "no event_data" in letters[0].headers["dlq_defect"]
    assert "exceeds" in letters[4].headers["dlq_defect"]
    assert "UTF-8" in letters[6].headers["dlq_defect"]
    (group,) = backend.groups("mixed")
    assert (group.lag, group.pending) == (0, 0)
    backend.close()


def test_entries_written_by_a_plain_xadd_are_delivered_and_acknowledged(
    redis_backend: RedisBackend, raw: Any, recorder: list[str]
) -> None:
    ids, entries = _good_entries(3)
    for fields in entries:
        raw.xadd("t", fields)
    BusConsumer(redis_backend, topic="t", group_id="g", retry=FAST).run(until_idle=True)
    assert recorder == ids
    assert raw.xpending("t", "g")["pending"] == 0
