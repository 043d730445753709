"""Structured-mode CloudEvents JSON: envelope + data, and back."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from openedx_events.content_authoring.signals import COURSE_CERTIFICATE_CONFIG_CHANGED
from openedx_events.data import EventsMetadata
from openedx_events.event_bus.cloudevents_json import (
    event_from_cloudevent,
    event_from_cloudevent_json,
    event_to_cloudevent,
    event_to_cloudevent_json,
)
from openedx_events.exceptions import EventDeserializationError, EventSerializationError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

ALL_SIGNALS = OpenEdxPublicSignal.all_events()


def _metadata(signal: OpenEdxPublicSignal) -> EventsMetadata:
    return EventsMetadata(
        event_type=signal.event_type,
        id=UUID("a7a9c9df-1321-59cf-b048-af2feff81489"),
        minorversion=1,
        source="openedx/lms/web",
        sourcehost="edx.devstack.lms",
        time=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        sourcelib=(11, 2, 0),
    )


ENROLLMENT = sample_event_data(COURSE_ENROLLMENT_CREATED, 4)
ENVELOPE = event_to_cloudevent(
    ENROLLMENT, COURSE_ENROLLMENT_CREATED, _metadata(COURSE_ENROLLMENT_CREATED)
)


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=str)
def test_every_event_round_trips_through_json(signal: OpenEdxPublicSignal) -> None:
    """Any event and its metadata come back equal from the JSON document."""
    sent, metadata = sample_event_data(signal, 5), _metadata(signal)
    event = event_from_cloudevent_json(event_to_cloudevent_json(sent, signal, metadata))
    assert event.signal is signal
    assert event.metadata == metadata
    if "certificate_config" in signal.event_type:  # streams compare by identity
        assert event_to_cloudevent(event.event_data, signal, metadata) == event_to_cloudevent(
            sent, signal, metadata
        )
    else:
        assert event.event_data == sent


def test_the_envelope_carries_the_cloudevents_attributes() -> None:
    """Envelope attributes follow CloudEvents 1.0, with the metadata as extensions."""
    assert {key: value for key, value in ENVELOPE.items() if key != "data"} == {
        "specversion": "1.0",
        "type": "org.openedx.learning.course.enrollment.created.v1",
        "id": "a7a9c9df-1321-59cf-b048-af2feff81489",
        "source": "openedx/lms/web",
        "time": "2024-05-01T12:00:00+00:00",
        "datacontenttype": "application/json",
        "minorversion": 1,
        "sourcehost": "edx.devstack.lms",
        "sourcelib": "11.2.0",
    }
    course = ENVELOPE["data"]["enrollment"]["course"]
    assert course["course_key"] == str(ENROLLMENT["enrollment"].course.course_key)


def test_signatory_images_travel_as_base64() -> None:
    """Avro bytes become base64 text in JSON."""
    signal = COURSE_CERTIFICATE_CONFIG_CHANGED
    sent = sample_event_data(signal, 1)
    envelope = event_to_cloudevent(sent, signal, _metadata(signal))
    image = envelope["data"]["certificate_config"]["signatories"][0]["image"]
    expected = sent["certificate_config"].signatories[0].image.getvalue()
    assert base64.b64decode(image) == expected


def _broken(change: Any) -> dict[str, Any]:
    envelope = json.loads(json.dumps(ENVELOPE))
    change(envelope)
    return envelope


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda e: e.update(specversion="0.3"), "specversion"),
        (lambda e: e.update(datacontenttype="application/avro"), "datacontenttype"),
        (lambda e: e.pop("id"), "id"),
        (lambda e: e.update(time="noon"), "time"),
        (lambda e: e.update(minorversion="1"), "minorversion"),
        (lambda e: e.pop("data"), "data"),
        (lambda e: e["data"]["enrollment"].pop("mode"), "data.enrollment.mode"),
        (lambda e: e["data"]["enrollment"]["user"].update(id="7"), "data.enrollment.user.id"),
        (lambda e: e["data"]["enrollment"].update(extra=1), "data.enrollment.extra"),
        (
            lambda e: e["data"]["enrollment"]["course"].update(course_key="nonsense"),
            "data.enrollment.course.course_key",
        ),
    ],
)
def test_a_malformed_cloudevent_names_the_attribute_or_field(change: Any, field: str) -> None:
    """Bad envelopes and data raise EventDeserializationError naming where."""
    with pytest.raises(EventDeserializationError) as caught:
        event_from_cloudevent(_broken(change))
    assert caught.value.field == field
    assert f"field '{field}'" in str(caught.value)
    assert caught.value.event_type == COURSE_ENROLLMENT_CREATED.event_type


def test_an_unknown_event_type_is_refused() -> None:
    """A type nobody defined raises the typed error for that type."""
    with pytest.raises(EventDeserializationError) as caught:
        event_from_cloudevent(_broken(lambda e: e.update(type="org.openedx.nope.v1")))
    assert caught.value.event_type == "org.openedx.nope.v1"
    assert caught.value.field == "type"


@pytest.mark.parametrize("document", ["{", "[1, 2]", b"\xff"])
def test_a_document_that_is_not_a_json_object_is_refused(document: str | bytes) -> None:
    """Broken JSON or a non-object raises the typed error."""
    with pytest.raises(EventDeserializationError):
        event_from_cloudevent_json(document)


def test_metadata_of_another_event_is_refused() -> None:
    """Writing an event with another event's metadata is a programming error."""
    other = OpenEdxPublicSignal.get_signal_by_type(
        "org.openedx.learning.course.unenrollment.completed.v1"
    )
    with pytest.raises(EventSerializationError):
        event_to_cloudevent(ENROLLMENT, COURSE_ENROLLMENT_CREATED, _metadata(other))
