"""Kafka messages read in a batch, where framings seen before are reused, read as alone."""

from __future__ import annotations

import pytest
from _kafka_helpers import make_kafka_backend
from kafka_broker import KafkaBroker
from schema_registry_double import SchemaRegistryDouble

from openedx_events.event_bus._private.records import Message
from openedx_events.event_bus._private.wire import encode_event
from openedx_events.event_bus.kafka import KafkaBackend
from openedx_events.event_bus.kafka._backend import _let_go
from openedx_events.event_bus.kafka._producer import UndeliveredEventsError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data


def test_messages_read_in_one_batch_read_as_each_read_by_a_fresh_backend(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> None:
    from confluent_kafka import Producer  # noqa: PLC0415

    backend = make_kafka_backend(kafka_broker, schema_registry)
    try:
        message = encode_event(
            SIGNAL, sample_event_data(SIGNAL, 0), SIGNAL.generate_signal_metadata(),
            SIGNAL.event_key_field,
        )  # fmt: skip
        backend.append("batch", [message])  # registers the schemas, makes the topic
        good = backend.codec.to_kafka("batch", message)
        assert good.key is not None
        framing = good.key[:5]
        long_key = "course-v1:" + "x" * 90
        variants = [
            good.key,
            framing + b"\x06\xff\xfe\xfd",  # a string of the right length, not UTF-8
            framing + b"\x06abcmore",  # bytes after the string, which readers ignore
            framing
            + bytes([len(long_key) * 2 & 0x7F | 0x80, len(long_key) * 2 >> 7])
            + long_key.encode(),  # a length of two bytes
            framing + b"\x07abc",  # a negative length
            b"plain text",  # not framed
            None,
        ]
        producer = Producer({"bootstrap.servers": kafka_broker.bootstrap_servers})
        headers: list[tuple[str, str | bytes | None]] = list(good.headers)
        for key in variants:
            producer.produce("batch", key=key, value=good.value, headers=headers)
        for value in (good.value[5:], b"\x00", good.value[:5] + b"anything"):
            producer.produce("batch", key=good.key, value=value, headers=headers)
        assert producer.flush(30) == 0

        batch = backend.read("batch", limit=100)
        assert len(batch) == 11
        alone = []
        for offset in range(len(batch)):
            fresh = make_kafka_backend(kafka_broker, schema_registry)
            try:
                after = None if offset == 0 else (0, offset - 1)
                (read,) = fresh.read("batch", after=after, limit=1)
            finally:
                fresh.close()
            alone.append(read)
        assert [(r.position, dict(r.headers), r.payload, r.key, r.defect) for r in batch] == [
            (r.position, dict(r.headers), r.payload, r.key, r.defect) for r in alone
        ]

        keys = [(r.key, r.defect is None) for r in batch[1:8]]
        assert keys[0] == (message.key, True)
        assert keys[1][1] is False  # not UTF-8: a defect, as from the general reader
        assert keys[2] == ("abc", True)
        assert keys[3] == (long_key, True)
        assert keys[4][1] is False
        assert keys[5] == ("plain text", True)
        assert keys[6] == (None, True)
        assert [r.defect is None for r in batch[8:]] == [False, False, True]
        assert batch[1].payload == message.payload
        assert batch[10].payload == b"anything"  # our framing: the bytes as they are
    finally:
        backend.close()


def test_a_claimed_batch_is_let_go_of_message_by_message_in_order() -> None:
    messages = ["first", "second", "third"]
    taken = _let_go(messages)
    assert next(taken) == "first"
    assert messages == ["third", "second"]  # what is taken is no longer held
    assert list(taken) == ["second", "third"]
    assert messages == []


def test_a_message_librdkafka_refuses_is_reported_alone_and_the_others_are_written(
    kafka_broker: KafkaBroker, schema_registry: SchemaRegistryDouble
) -> None:
    from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: PLC0415

    backend = KafkaBackend(
        {"bootstrap.servers": kafka_broker.bootstrap_servers, "log_level": 2,
         "message.max.bytes": 2000},
        SchemaRegistryClient({"url": schema_registry.url}),
    )  # fmt: skip
    try:
        small = encode_event(
            SIGNAL, sample_event_data(SIGNAL, 0), SIGNAL.generate_signal_metadata(),
            SIGNAL.event_key_field,
        )  # fmt: skip
        large = Message(headers={"type": "raw.test"}, payload=b"x" * 5000)
        with pytest.raises(UndeliveredEventsError) as raised:
            backend.append("refused", [small, large, small])
        assert raised.value.messages == [large]
        assert "MSG_SIZE_TOO_LARGE" in raised.value.errors[0]
        written = backend.read("refused")
        assert [record.payload for record in written] == [small.payload, small.payload]
    finally:
        backend.close()
