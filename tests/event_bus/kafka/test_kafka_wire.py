"""The Kafka message parts: keys and headers as edx-event-bus-kafka writes and reads them."""

from __future__ import annotations

import io
from typing import Any

import fastavro
import pytest

from openedx_events.event_bus.headers import KAFKA_FIXED_HEADERS
from openedx_events.event_bus.kafka._wire import (
    headers_from_kafka,
    headers_to_kafka,
    key_avro,
    key_text,
)
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

STRING = fastavro.parse_schema("string")
# The key schema as the reference registers it: the key's field, name and all.
FIELD_STRING = fastavro.parse_schema({"name": "course_key", "type": "string"})


def _avro_string(text: str) -> bytes:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, STRING, text)
    return out.getvalue()


@pytest.mark.parametrize("schema", [STRING, FIELD_STRING], ids=["plain", "field"])
@pytest.mark.parametrize("text", ["", "course-v1:edX+DemoX+Demo_Course", "é" * 200, "x" * 70000])
def test_a_string_key_reads_as_fastavro_reads_it(schema: Any, text: str) -> None:
    assert key_text(schema, _avro_string(text)) == text


@pytest.mark.parametrize(
    "avro",
    [
        b"",  # nothing at all
        b"\x01",  # a negative length
        b"\x08abc",  # a length past the bytes
        b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",  # a length that never ends
        b"\x04\xff\xfe",  # bytes that are not UTF-8
    ],
)
@pytest.mark.parametrize("schema", [STRING, FIELD_STRING], ids=["plain", "field"])
def test_a_damaged_string_key_fails_as_fastavro_fails(schema: Any, avro: bytes) -> None:
    try:
        fastavro.schemaless_reader(io.BytesIO(avro), schema, None)
    except Exception as error:  # whatever fastavro raises is what ours must raise
        expected = type(error)
    else:
        pytest.fail("fastavro reads these bytes")
    with pytest.raises(expected):
        key_text(schema, avro)


@pytest.mark.parametrize("schema", [STRING, FIELD_STRING], ids=["plain", "field"])
def test_bytes_left_after_a_string_key_are_ignored_as_fastavro_ignores_them(schema: Any) -> None:
    assert key_text(schema, _avro_string("abc") + b"more") == "abc"


@pytest.mark.parametrize("text", ["", "a", "x" * 63, "x" * 64, "é" * 32, "é" * 31 + "x", "x" * 300])
def test_a_string_key_is_written_as_fastavro_writes_it(text: str) -> None:
    # Lengths on both sides of the one-byte length (under 64 bytes of UTF-8).
    assert key_avro(COURSE_ENROLLMENT_CREATED, text) == _avro_string(text)


def test_an_integer_key_is_read_as_its_text() -> None:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, fastavro.parse_schema("long"), 42)
    assert key_text(fastavro.parse_schema("long"), out.getvalue()) == "42"


def test_event_headers_start_with_the_fixed_ones_and_carry_the_cloudevents_names() -> None:
    headers = {"type": "t.v1", "id": "1", "source": "s", "custom": "c", "ce_specversion": "9"}
    kafka = headers_to_kafka(headers, event=True)
    fixed = [(name, value.encode()) for name, value in KAFKA_FIXED_HEADERS.items()]
    assert kafka[: len(fixed)] == fixed
    assert kafka[len(fixed) :] == [
        ("ce_type", b"t.v1"),
        ("ce_id", b"1"),
        ("ce_source", b"s"),
        ("custom", b"c"),
    ]


def test_a_bus_name_beside_its_cloudevents_name_is_written_once_with_the_later_value() -> None:
    for headers, value in [
        ({"type": "a", "ce_type": "b"}, b"b"),
        ({"ce_type": "b", "type": "a"}, b"a"),
    ]:
        kafka = headers_to_kafka({**headers, "id": "1"}, event=True)
        assert [entry for entry in kafka if entry[0] == "ce_type"] == [("ce_type", value)]
        assert kafka[-1] == ("ce_id", b"1")


def test_a_header_without_a_name_is_written_as_any_other() -> None:
    kafka = headers_to_kafka({"": "x", "id": "1"}, event=True)
    assert kafka[len(KAFKA_FIXED_HEADERS) :] == [("", b"x"), ("ce_id", b"1")]


def test_other_messages_keep_their_headers_renamed_only() -> None:
    assert headers_to_kafka({"type": "x", "reason": "r"}, event=False) == [
        ("ce_type", b"x"),
        ("reason", b"r"),
    ]


def test_headers_read_back_drop_the_fixed_ones_and_take_the_redis_names() -> None:
    kafka = headers_to_kafka({"type": "t.v1", "id": "1", "sourcehost": "h"}, event=True)
    assert headers_from_kafka(kafka) == {"type": "t.v1", "id": "1", "sourcehost": "h"}


def test_a_fixed_header_with_another_value_is_kept_for_the_checks_to_refuse() -> None:
    read = headers_from_kafka([("content-type", b"application/json"), ("ce_id", None)])
    assert read == {"content-type": "application/json", "id": ""}


def test_a_repeated_header_keeps_its_last_value() -> None:
    assert headers_from_kafka([("ce_id", b"1"), ("ce_id", b"2")]) == {"id": "2"}
