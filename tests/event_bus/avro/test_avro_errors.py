"""Bad bytes and bad data raise one typed error naming the event type and, if found, the field."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from openedx_events.analytics.signals import TRACKING_EVENT_EMITTED
from openedx_events.event_bus.avro import (
    AvroSignalSerializer,
    deserialize_bytes_for_event_type,
    deserialize_bytes_to_event_data,
    serialize_event_data_to_bytes,
)
from openedx_events.exceptions import EventDeserializationError, EventSerializationError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

ENROLLMENT = sample_event_data(COURSE_ENROLLMENT_CREATED, 7)
ENROLLMENT_BYTES = serialize_event_data_to_bytes(ENROLLMENT, COURSE_ENROLLMENT_CREATED)
ENROLLMENT_TYPE = COURSE_ENROLLMENT_CREATED.event_type


def _decode_error(data: Any, signal: OpenEdxPublicSignal = COURSE_ENROLLMENT_CREATED) -> Any:
    with pytest.raises(EventDeserializationError) as caught:
        deserialize_bytes_to_event_data(data, signal)
    assert caught.value.event_type == signal.event_type
    return caught.value


def _encode_error(event_data: Any) -> Any:
    with pytest.raises(EventSerializationError) as caught:
        serialize_event_data_to_bytes(event_data, COURSE_ENROLLMENT_CREATED)
    assert caught.value.event_type == ENROLLMENT_TYPE
    return caught.value


# --- decoding --------------------------------------------------------------------------------


@pytest.mark.parametrize("signal", OpenEdxPublicSignal.all_events(), ids=str)
def test_every_truncation_of_every_event_is_refused(signal: OpenEdxPublicSignal) -> None:
    """Each proper prefix of a valid payload raises the typed error, never a bare one."""
    blob = serialize_event_data_to_bytes(sample_event_data(signal, 1), signal)
    for end in range(len(blob)):
        _decode_error(blob[:end], signal)


def test_truncation_names_the_field_where_the_bytes_ran_out() -> None:
    """Cutting the payload inside the user's e-mail names enrollment.user.pii.email."""
    email = ENROLLMENT["enrollment"].user.pii.email.encode()
    cut = ENROLLMENT_BYTES.index(email) + 2
    error = _decode_error(ENROLLMENT_BYTES[:cut])
    assert error.field == "enrollment.user.pii.email"
    assert "truncated" in str(error)


@pytest.mark.parametrize(
    "prefix", [b"\xfe\xff\xff\xff\x0f", b"\xfe\xff\xff\xff\xff\xff\xff\xff\x7f"]
)
def test_a_huge_length_prefix_fails_fast_without_allocating(prefix: bytes) -> None:
    """A string length claiming 2 GB (or 2**62) fails in well under a second and a megabyte."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        error = _decode_error(prefix + b"x" * 10, TRACKING_EVENT_EMITTED)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 1_000_000
    assert error.field == "tracking_log.name"


def test_a_huge_array_count_fails_fast() -> None:
    """An array block claiming 2**62 items is refused, not looped over."""
    signal = OpenEdxPublicSignal.get_signal_by_type(
        "org.openedx.learning.ora.submission.created.v1"
    )
    data = sample_event_data(signal, 2)
    blob = serialize_event_data_to_bytes(data, signal)
    # The answer's first array (parts) starts right after the submitted_at string.
    submitted = AvroSignalSerializer(signal).to_dict(data)["submission"]["submitted_at"].encode()
    start = blob.index(submitted) + len(submitted)
    forged = blob[:start] + b"\xfe\xff\xff\xff\xff\xff\xff\xff\x7f" + b"\x00" * 8
    started = time.perf_counter()
    error = _decode_error(forged, signal)
    assert time.perf_counter() - started < 1.0
    assert error.field == "submission.answer.parts"


def test_trailing_bytes_are_refused() -> None:
    """Bytes after the end of the event mean the writer used another schema."""
    error = _decode_error(ENROLLMENT_BYTES + b"\x00")
    assert "unexpected bytes" in str(error)


def test_bytes_of_another_event_are_refused() -> None:
    """An enrollment payload read as a tracking event raises the tracking event's error."""
    _decode_error(ENROLLMENT_BYTES, TRACKING_EVENT_EMITTED)


def test_invalid_utf8_names_the_field() -> None:
    """A string that is not UTF-8 names its field."""
    username = ENROLLMENT["enrollment"].user.pii.username.encode()
    at = ENROLLMENT_BYTES.index(username)
    forged = ENROLLMENT_BYTES[:at] + b"\xff" + ENROLLMENT_BYTES[at + 1 :]
    error = _decode_error(forged)
    assert error.field == "enrollment.user.pii.username"
    assert "UTF-8" in str(error)


def test_a_malformed_course_key_names_the_field() -> None:
    """A course key string that does not parse names enrollment.course.course_key."""
    key = str(ENROLLMENT["enrollment"].course.course_key).encode()
    forged = ENROLLMENT_BYTES.replace(key, b"x" * len(key), 1)
    error = _decode_error(forged)
    assert error.field == "enrollment.course.course_key"


def test_a_bad_union_branch_names_the_field() -> None:
    """A union branch other than 0 (null) or 1 names the optional field."""
    # created_by is the enrollment's last field, so its branch byte ends the payload.
    enrollment = attrs.evolve(ENROLLMENT["enrollment"], created_by=None)
    payload = serialize_event_data_to_bytes({"enrollment": enrollment}, COURSE_ENROLLMENT_CREATED)
    assert payload[-1] == 0
    error = _decode_error(payload[:-1] + b"\x06")
    assert error.field == "enrollment.created_by"


@pytest.mark.parametrize("data", ["text", None, 12, [1, 2]])
def test_non_bytes_input_is_refused(data: Any) -> None:
    """Only bytes-like input is decoded."""
    assert "expected bytes" in str(_decode_error(data))


def test_an_unknown_event_type_is_refused() -> None:
    """Decoding for an event type nobody defined raises the typed error for that type."""
    with pytest.raises(EventDeserializationError) as caught:
        deserialize_bytes_for_event_type(ENROLLMENT_BYTES, "org.openedx.nobody.nothing.v1")
    assert caught.value.event_type == "org.openedx.nobody.nothing.v1"
    assert "unknown event type" in str(caught.value)


def test_decoding_by_event_type_finds_the_signal() -> None:
    """The event type alone is enough to decode a known event."""
    assert deserialize_bytes_for_event_type(ENROLLMENT_BYTES, ENROLLMENT_TYPE) == ENROLLMENT


# --- encoding --------------------------------------------------------------------------------


def _with(**changes: Any) -> dict[str, Any]:
    return {"enrollment": attrs.evolve(ENROLLMENT["enrollment"], **changes)}


def _with_user(**changes: Any) -> dict[str, Any]:
    user = ENROLLMENT["enrollment"].user
    return _with(user=attrs.evolve(user, **changes))


@pytest.mark.parametrize(
    ("event_data", "field"),
    [
        (_with(mode=3), "enrollment.mode"),
        (_with(is_active="yes"), "enrollment.is_active"),
        (_with(creation_date="2024-01-01"), "enrollment.creation_date"),
        (_with(course="course-v1:edX+DemoX+1"), "enrollment.course"),
        (_with_user(id=True), "enrollment.user.id"),
        (_with_user(id=2**63), "enrollment.user.id"),
        (_with_user(id="12"), "enrollment.user.id"),
        (_with(mode="\ud800"), "enrollment.mode"),
        (_with(created_by="admin"), "enrollment.created_by"),
    ],
)
def test_data_that_does_not_fit_names_the_field(event_data: dict[str, Any], field: str) -> None:
    """A value of the wrong type or range raises the typed error naming its dotted path."""
    assert _encode_error(event_data).field == field


def test_a_missing_argument_is_named() -> None:
    """Event data without the signal's argument names that argument."""
    assert _encode_error({}).field == "enrollment"


def test_an_unexpected_argument_is_named() -> None:
    """Event data with an extra argument names the extra one."""
    assert _encode_error({**ENROLLMENT, "extra": 1}).field == "extra"


def test_event_data_must_be_a_mapping() -> None:
    """Anything but a mapping of arguments is refused."""
    assert "mapping" in str(_encode_error([ENROLLMENT]))


def test_naive_and_aware_datetimes_both_encode_with_isoformat() -> None:
    """Datetimes travel as isoformat(), so an aware UTC time ends in +00:00."""
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    record = AvroSignalSerializer(COURSE_ENROLLMENT_CREATED).to_dict(_with(creation_date=when))
    assert record["enrollment"]["creation_date"] == "2024-05-01T12:00:00+00:00"
