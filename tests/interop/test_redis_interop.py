"""A service on the reference's Redis bus and one on ours share streams, both ways.

The reference here is edx-event-bus-redis 1.1.2 on openedx-events 11.2.0, run by
``bench/redis_reference_driver.py`` in its own virtualenv. Events of every type the reference
can put on the bus cross over, two of each (optional fields filled, and left out), and arrive
with the same metadata and the same data.

What "the same data" means: the reference's deserializer replaces a falsy value of a field
that has a default (``False``, ``0``, ``""``) by that default, so a few sample events change on
the reference's side before or after the bus, with no bus involved. The tests ask the
reference's own codec what it makes of each payload (``ReferenceBus.roundtrip``) and expect
exactly that; every other event must arrive unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import redis
from redis_reference import ReferenceBus, have_python312, write_events

from openedx_events.event_bus import Message, encode_event
from openedx_events.event_bus._private.wire import key_value
from openedx_events.event_bus.avro import deserialize_bytes_to_event_data
from openedx_events.event_bus.headers import metadata_from_headers
from openedx_events.exceptions import ProducerConfigurationError
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

pytestmark = pytest.mark.skipif(
    not have_python312(),
    reason="the reference's Redis bus needs Python 3.12 (set REFERENCE_PYTHON to one)",
)

TOPIC = "interop"
#: The fields of a stream entry of the reference's bus: the metadata, then the Avro bytes.
ENTRY_FIELDS = {"type", "id", "source", "time", "minorversion", "sourcehost", "sourcelib"}


class Sent:
    """One event as its producer had it: signal, data, and the message that carries it."""

    def __init__(self, signal: OpenEdxPublicSignal, index: int, optionals: bool) -> None:
        self.signal = signal
        self.data = sample_event_data(signal, index, optionals=optionals)
        self.metadata = signal.generate_signal_metadata()
        self.message: Message = encode_event(signal, self.data, self.metadata)
        self.id = str(self.metadata.id)
        #: The signal's key field where it names a value of the data. The catalog gives a few
        #: events a key path their data does not have (the authz ones, course import and
        #: rerun); the reference's Redis producer ignores the key, ours checks it and refuses.
        self.key_field = signal.event_key_field
        try:
            key_value(self.data, self.key_field, signal.event_type)
        except ProducerConfigurationError:
            self.key_field = None
        #: The payload as the reference's codec rewrites it (set by the fixture).
        self.reference_payload = b""


@pytest.fixture
def events(reference_bus: ReferenceBus, tmp_path: Path) -> list[Sent]:
    """Two events of every type the reference can send over its bus."""
    types = reference_bus.bus_types()
    assert len(types) > 60
    made = []
    for event_type in types:
        signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
        made += [Sent(signal, 0, optionals=True), Sent(signal, 1, optionals=False)]
    rewritten = reference_bus.roundtrip(_write(made, tmp_path / "roundtrip.jsonl"))
    for sent, payload in zip(made, rewritten, strict=True):
        sent.reference_payload = payload
    # The reference's codec changes a few events; the comparison below must still bite.
    unchanged = sum(sent.reference_payload == sent.message.payload for sent in made)
    assert unchanged >= len(made) - 10
    return made


def _write(events: list[Sent], path: Path) -> Path:
    return write_events(path, ((s.message.headers, s.message.payload, s.key_field) for s in events))


def _stream_entries(redis_url: str, prefix: str) -> list[dict[str, bytes]]:
    with redis.Redis.from_url(redis_url) as client:
        entries = client.xrange(f"{prefix}-{TOPIC}")
    return [{name.decode(): value for name, value in fields.items()} for _, fields in entries]


def test_events_the_reference_produces_reach_our_consumer_with_identical_data_and_metadata(
    reference_bus: ReferenceBus,
    events: list[Sent],
    prefix: str,
    redis_url: str,
    tmp_path: Path,
) -> None:
    reference_bus.produce(TOPIC, _write(events, tmp_path / "events.jsonl"))

    entries = _stream_entries(redis_url, prefix)
    assert len(entries) == len(events)
    assert all(set(fields) == ENTRY_FIELDS | {"event_data"} for fields in entries)

    from openedx_events.event_bus.redis import create_consumer  # noqa: PLC0415  (after settings)

    received: dict[str, tuple[Any, dict[str, Any]]] = {}

    def receiver(signal: OpenEdxPublicSignal, metadata: Any, **kwargs: Any) -> None:
        received[str(metadata.id)] = (metadata, {name: kwargs[name] for name in signal.init_data})

    signals = {sent.signal for sent in events}
    for signal in signals:
        signal.connect(receiver, weak=False)
    try:
        consumer = create_consumer(topic=TOPIC, group_id="ours", consumer_name="interop")
        stats = consumer.run(until_idle=True)
    finally:
        for signal in signals:
            signal.disconnect(receiver)

    assert stats.dead_lettered == 0
    assert received.keys() == {sent.id for sent in events}
    for sent in events:
        metadata, data = received[sent.id]
        assert metadata == sent.metadata, sent.signal.event_type
        assert data == deserialize_bytes_to_event_data(sent.reference_payload, sent.signal)
        if sent.reference_payload == sent.message.payload:
            assert data == sent.data, sent.signal.event_type


def test_events_our_producer_sends_reach_the_references_receivers_with_identical_data_and_metadata(
    reference_bus: ReferenceBus,
    events: list[Sent],
    prefix: str,
    redis_url: str,
    tmp_path: Path,
) -> None:
    from openedx_events.event_bus.redis import create_producer  # noqa: PLC0415  (after settings)

    producer = create_producer()
    # One at a time for the events with optional fields, in batches for the others.
    for sent in events[::2]:
        producer.send(
            signal=sent.signal,
            topic=TOPIC,
            event_key_field=sent.key_field,
            event_data=sent.data,
            event_metadata=sent.metadata,
        )
    for sent in events[1::2]:
        producer.send_batch(
            signal=sent.signal,
            topic=TOPIC,
            event_key_field=sent.key_field,
            events=[(sent.data, sent.metadata)],
        )
    producer.prepare_for_shutdown()

    entries = _stream_entries(redis_url, prefix)
    assert len(entries) == len(events)
    assert all(set(fields) == ENTRY_FIELDS | {"event_data"} for fields in entries)

    out = tmp_path / "reference-received.jsonl"
    summary = reference_bus.consume(TOPIC, "reference", len(events), out=out, timeout=120)
    assert summary["count"] == len(events)
    received = {item["headers"]["id"]: item for item in reference_bus.read_events(out)}
    assert received.keys() == {sent.id for sent in events}
    for sent in events:
        item = received[sent.id]
        assert item["headers"] == dict(sent.message.headers), sent.signal.event_type
        assert metadata_from_headers(item["headers"], style="redis") == sent.metadata
        assert bytes.fromhex(item["payload"]) == sent.reference_payload, sent.signal.event_type
