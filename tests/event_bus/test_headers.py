"""Event metadata <-> Redis stream fields and Kafka CloudEvents headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import attrs
import pytest

from golden_data import wire_vectors
from openedx_events.data import EventsMetadata
from openedx_events.event_bus.headers import (
    metadata_from_headers,
    metadata_from_text_headers,
    metadata_to_headers,
)
from openedx_events.exceptions import EventDeserializationError


def _vector_params() -> list[Any]:
    """The golden vectors' headers (tests/golden), one case per event type."""
    vectors = [v for v in wire_vectors() if v["variant"] == "optionals_set"]
    return [pytest.param(vector, id=vector["event_type"]) for vector in vectors]


METADATA = EventsMetadata(
    event_type="org.openedx.learning.course.enrollment.created.v1",
    id=UUID("a7a9c9df-1321-59cf-b048-af2feff81489"),
    minorversion=2,
    source="openedx/lms/web",
    sourcehost="edx.devstack.lms",
    time=datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC),
    sourcelib=(11, 2, 0),
)


@pytest.mark.parametrize("style", ["redis", "kafka"])
@pytest.mark.parametrize("vector", _vector_params())
def test_headers_equal_the_vector_headers(vector: dict[str, Any], style: str) -> None:
    """Names, values and order of the headers are the reference's, in both styles."""
    metadata = EventsMetadata.from_json_data(vector["metadata"])
    headers = metadata_to_headers(metadata, style=style)  # type: ignore[arg-type]  # parametrized
    assert list(headers.items()) == list(vector["headers"][style].items())


@pytest.mark.parametrize("style", ["redis", "kafka"])
@pytest.mark.parametrize("vector", _vector_params())
def test_vector_headers_decode_to_the_vector_metadata(vector: dict[str, Any], style: str) -> None:
    """Headers as UTF-8 bytes (as the buses deliver them) give back the vector's metadata."""
    raw = {name.encode(): value.encode() for name, value in vector["headers"][style].items()}
    metadata = metadata_from_headers(raw, style=style)  # type: ignore[arg-type]  # parametrized
    assert metadata == EventsMetadata.from_json_data(vector["metadata"])


@pytest.mark.parametrize("style", ["redis", "kafka"])
def test_metadata_round_trips_with_microseconds(style: str) -> None:
    """Every metadata field, microseconds of the time included, survives the round trip."""
    headers = metadata_to_headers(METADATA, style=style)  # type: ignore[arg-type]  # parametrized
    assert metadata_from_headers(headers, style=style) == METADATA  # type: ignore[arg-type]


@pytest.mark.parametrize("style", ["redis", "kafka"])
def test_metadata_read_from_headers_is_a_normal_metadata_object(style: str) -> None:
    """Built without re-running attrs' validators, it still compares, hashes and evolves."""
    headers = metadata_to_headers(METADATA, style=style)  # type: ignore[arg-type]  # parametrized
    metadata = metadata_from_headers(headers, style=style)  # type: ignore[arg-type]
    assert type(metadata) is EventsMetadata
    assert hash(metadata) == hash(METADATA)
    assert attrs.asdict(metadata, recurse=False) == attrs.asdict(METADATA, recurse=False)
    assert attrs.evolve(metadata, minorversion=3).minorversion == 3
    assert EventsMetadata.from_json(metadata.to_json()) == METADATA


def test_kafka_headers_declare_cloudevents_and_avro() -> None:
    """Kafka headers carry the CloudEvents spec version and the Avro content type."""
    headers = metadata_to_headers(METADATA, style="kafka")
    assert headers["ce_specversion"] == "1.0"
    assert headers["content-type"] == headers["ce_datacontenttype"] == "application/avro"
    assert headers["ce_minorversion"] == "2"
    assert headers["sourcelib"] == "11.2.0"


def test_a_time_with_another_offset_is_read_as_utc() -> None:
    """A header time at +02:00 is the same instant, stored as UTC."""
    headers = metadata_to_headers(METADATA, style="redis")
    later = METADATA.time.astimezone(timezone(timedelta(hours=2)))
    headers["time"] = later.isoformat()
    metadata = metadata_from_headers(headers, style="redis")
    assert metadata.time == METADATA.time
    assert metadata.time.tzinfo is UTC


REDIS_NAMES = ["type", "id", "source", "time", "minorversion", "sourcehost", "sourcelib"]
KAFKA_NAMES = [
    "ce_type",
    "ce_id",
    "ce_source",
    "ce_time",
    "ce_minorversion",
    "sourcehost",
    "sourcelib",
]


@pytest.mark.parametrize(
    ("style", "name"),
    [("redis", name) for name in REDIS_NAMES] + [("kafka", name) for name in KAFKA_NAMES],
)
def test_a_missing_header_is_named(style: str, name: str) -> None:
    """Leaving out any metadata header raises a typed error naming that header."""
    headers = metadata_to_headers(METADATA, style=style)  # type: ignore[arg-type]  # parametrized
    del headers[name]
    with pytest.raises(EventDeserializationError) as caught:
        metadata_from_headers(headers, style=style)  # type: ignore[arg-type]  # parametrized
    assert caught.value.field == name


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("id", "not-a-uuid"),
        ("time", "yesterday"),
        ("time", "2024-05-01T12:00:00"),
        ("minorversion", "-1"),
        ("minorversion", "one"),
        ("sourcelib", "11.x"),
        ("source", ""),
    ],
)
def test_a_malformed_header_is_named(name: str, value: str) -> None:
    """A value of the wrong form raises a typed error naming the header and the event."""
    headers = metadata_to_headers(METADATA, style="redis")
    headers[name] = value
    with pytest.raises(EventDeserializationError) as caught:
        metadata_from_headers(headers, style="redis")
    assert caught.value.field == name
    assert caught.value.event_type == METADATA.event_type


@pytest.mark.parametrize(
    ("name", "value"),
    [("ce_specversion", "0.3"), ("content-type", "application/json"), ("ce_datacontenttype", "x")],
)
def test_a_wrong_fixed_kafka_header_is_refused(name: str, value: str) -> None:
    """Kafka headers that announce another spec or content type are refused."""
    headers = metadata_to_headers(METADATA, style="kafka")
    headers[name] = value
    with pytest.raises(EventDeserializationError) as caught:
        metadata_from_headers(headers, style="kafka")
    assert caught.value.field == name


def test_header_bytes_that_are_not_utf8_are_refused() -> None:
    """A header value that is not UTF-8 raises a typed error naming the header."""
    headers: dict[str, str | bytes] = dict(metadata_to_headers(METADATA, style="redis"))
    headers["source"] = b"\xff\xfe"
    with pytest.raises(EventDeserializationError) as caught:
        metadata_from_headers(headers, style="redis")
    assert caught.value.field == "source"


def test_an_unknown_style_is_a_programming_error() -> None:
    """Only the redis and kafka styles exist."""
    with pytest.raises(ValueError, match="redis"):
        metadata_to_headers(METADATA, style="amqp")  # type: ignore[arg-type]  # on purpose


@pytest.mark.parametrize(
    "text",
    [
        "A7A9C9DF-1321-59CF-B048-AF2FEFF81489",
        "a7a9c9df132159cfb048af2feff81489",
        "{a7a9c9df-1321-59cf-b048-af2feff81489}",
        "urn:uuid:a7a9c9df-1321-59cf-b048-af2feff81489",
        "a7a9c9df-1321-59cf-b048-af2f-eff81489",
    ],
)
def test_every_form_uuid_takes_is_read_as_uuid_reads_it(text: str) -> None:
    """Ids in the other forms ``UUID()`` accepts read as it reads them, after a plain one."""
    headers = metadata_to_headers(METADATA, style="redis")
    assert metadata_from_text_headers(headers, style="redis") == METADATA
    headers["id"] = text
    for read in (metadata_from_headers, metadata_from_text_headers):
        metadata = read(headers, style="redis")
        assert metadata.id == UUID(text)
        assert type(metadata.id) is UUID
        assert metadata.id.is_safe is UUID(text).is_safe
        assert hash(metadata.id) == hash(UUID(text))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("id", "a7a9c9df-1321-59cf-b048-af2feff8148"),  # a digit short
        ("id", "a7a9c9df-1321-59cf-b048-af2feff8148g"),
        ("id", "a7a9c9df-1321-59cf-b048-af2feff8148\u00e9"),
        ("id", ""),
        ("time", "yesterday"),
        ("time", "2024-05-01T12:00:00"),
        ("time", ""),
    ],
)
def test_a_bad_id_or_time_is_named_after_good_events_of_the_same_producer(
    name: str, value: str
) -> None:
    """The headers an event shares with earlier ones do not let its own ones pass unchecked."""
    headers = metadata_to_headers(METADATA, style="redis")
    for read in (metadata_from_headers, metadata_from_text_headers):
        assert read(headers, style="redis") == METADATA
    bad = {**headers, name: value}
    for read in (metadata_from_headers, metadata_from_text_headers):
        with pytest.raises(EventDeserializationError) as caught:
            read(bad, style="redis")
        assert caught.value.field == name
        assert caught.value.event_type == METADATA.event_type


def test_the_first_bad_header_is_named_whatever_was_read_before() -> None:
    """With a new source and a bad id, the id is named first, as the headers are ordered."""
    headers = metadata_to_headers(METADATA, style="redis")
    metadata_from_text_headers(headers, style="redis")
    bad = {**headers, "id": "nope", "sourcelib": "11.x"}
    with pytest.raises(EventDeserializationError) as caught:
        metadata_from_text_headers(bad, style="redis")
    assert caught.value.field == "id"


def test_a_time_at_another_offset_after_utc_ones_is_read_as_utc() -> None:
    """Only a time already in UTC skips the conversion."""
    headers = metadata_to_headers(METADATA, style="redis")
    metadata_from_text_headers(headers, style="redis")
    headers["time"] = METADATA.time.astimezone(timezone(timedelta(hours=-5))).isoformat()
    metadata = metadata_from_text_headers(headers, style="redis")
    assert metadata.time == METADATA.time
    assert metadata.time.tzinfo is UTC


@pytest.mark.parametrize("style", ["redis", "kafka"])
def test_text_headers_that_hold_bytes_are_read_as_bytes_are(style: str) -> None:
    """A header value that is not text after all is decoded (or refused) as the general read."""
    headers: dict[str, Any] = dict(metadata_to_headers(METADATA, style=style))  # type: ignore[arg-type]
    for name in list(headers):
        good = {**headers, name: headers[name].encode()}
        assert metadata_from_text_headers(good, style=style) == METADATA  # type: ignore[arg-type]
        bad = {**headers, name: b"\xff"}
        with pytest.raises(EventDeserializationError) as caught:
            metadata_from_text_headers(bad, style=style)  # type: ignore[arg-type]
        assert caught.value.field == name


def test_many_producers_read_right_however_many_were_seen() -> None:
    """Past the bound of remembered producers, events still read whole and right."""
    for number in range(3000):
        metadata = attrs.evolve(METADATA, sourcehost=f"host-{number}", minorversion=number % 7)
        headers = metadata_to_headers(metadata, style="redis")
        assert metadata_from_text_headers(headers, style="redis") == metadata


def test_a_version_tuple_that_equals_another_is_written_as_itself() -> None:
    """``sourcelib`` is written from the tuple at hand, not from an equal one written before."""
    assert metadata_to_headers(METADATA, style="redis")["sourcelib"] == "11.2.0"
    floats = attrs.evolve(METADATA, sourcelib=(11.0, 2, 0))  # type: ignore[arg-type]  # on purpose
    assert metadata_to_headers(floats, style="redis")["sourcelib"] == "11.0.2.0"
    assert metadata_to_headers(METADATA, style="redis")["sourcelib"] == "11.2.0"
