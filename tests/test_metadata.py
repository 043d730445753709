"""EventsMetadata: defaults, validation and the JSON round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID
from zoneinfo import ZoneInfo

import attrs
import pytest

from openedx_events._private.metadata import library_version_tuple
from openedx_events._private.version import VERSION
from openedx_events.data import EventsMetadata


def test_fields_left_out_get_their_defaults() -> None:
    """A fresh uuid1, minor version 0, a source, this host, now in UTC, this library."""
    before = datetime.now(UTC)
    metadata = EventsMetadata(event_type="org.openedx.test.thing.v1")
    assert metadata.id.version == 1
    assert metadata.minorversion == 0
    assert metadata.source.startswith("openedx/")
    assert metadata.sourcehost
    assert before <= metadata.time <= datetime.now(UTC)
    assert metadata.sourcelib == library_version_tuple()
    assert metadata.specversion == "1.0"


def test_the_field_order_is_the_reference_one() -> None:
    """event_type, id, minorversion, source, sourcehost, time, sourcelib."""
    assert [field.name for field in attrs.fields(EventsMetadata)] == [
        "event_type", "id", "minorversion", "source", "sourcehost", "time", "sourcelib",
    ]  # fmt: skip


def test_sourcelib_is_the_version_as_ints() -> None:
    """'1.2.3' travels as (1, 2, 3)."""
    assert library_version_tuple() == tuple(int(part) for part in VERSION.split("."))


def test_metadata_is_frozen() -> None:
    """Assigning a field raises."""
    metadata = EventsMetadata(event_type="org.openedx.test.thing.v1")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        metadata.source = "elsewhere"  # type: ignore[misc]


@pytest.mark.parametrize(
    "time",
    [datetime(2024, 5, 1, 12), datetime(2024, 5, 1, 14, tzinfo=timezone(timedelta(hours=2)))],
)
def test_a_naive_or_non_utc_time_is_refused(time: datetime) -> None:
    """ValueError that says the time must be aware UTC."""
    with pytest.raises(ValueError, match="aware UTC"):
        EventsMetadata(event_type="org.openedx.test.thing.v1", time=time)


@pytest.mark.parametrize("zone", [ZoneInfo("UTC"), timezone(timedelta(0))])
def test_other_spellings_of_utc_are_stored_as_utc(zone: timezone | ZoneInfo) -> None:
    """ZoneInfo('UTC') or a fixed +00:00 offset become timezone.utc, same instant."""
    metadata = EventsMetadata(
        event_type="org.openedx.test.thing.v1", time=datetime(2024, 5, 1, tzinfo=zone)
    )
    assert metadata.time.tzinfo is UTC
    assert metadata.time == datetime(2024, 5, 1, tzinfo=UTC)


def test_wrong_field_types_are_refused() -> None:
    """The validators check every field's type."""
    with pytest.raises(TypeError):
        EventsMetadata(event_type="t", id="not-a-uuid")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        EventsMetadata(event_type=3)  # type: ignore[arg-type]


def test_json_round_trip_gives_equal_metadata() -> None:
    """from_json(to_json()) reproduces every field, microseconds included."""
    metadata = EventsMetadata(
        event_type="org.openedx.test.thing.v1",
        id=UUID("0f8e3a52-3c1e-11ef-9f6a-1b2c3d4e5f60"),
        minorversion=3,
        source="openedx/lms/web",
        sourcehost="edx.devstack.lms",
        time=datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC),
        sourcelib=(11, 2, 0),
    )
    document = metadata.to_json()
    assert json.loads(document) == {
        "event_type": "org.openedx.test.thing.v1",
        "id": "0f8e3a52-3c1e-11ef-9f6a-1b2c3d4e5f60",
        "minorversion": 3,
        "source": "openedx/lms/web",
        "sourcehost": "edx.devstack.lms",
        "time": "2024-05-01T12:00:00.123456+00:00",
        "sourcelib": [11, 2, 0],
    }
    assert EventsMetadata.from_json(document) == metadata
