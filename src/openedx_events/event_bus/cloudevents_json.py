"""Events as CloudEvents in structured-mode JSON: one document with envelope and data.

For tools, logs and webhooks, where Avro bytes and bus headers are out of place::

    {"specversion": "1.0", "type": "org.openedx.learning.course.enrollment.created.v1",
     "id": "...", "source": "openedx/lms/web", "time": "2024-05-01T12:00:00+00:00",
     "datacontenttype": "application/json", "minorversion": 0,
     "sourcehost": "edx.devstack.lms", "sourcelib": "11.2.0",
     "data": {"enrollment": {...}}}

``data`` is the event's Avro record as JSON: one member per signal argument, keys and
datetimes as their strings, absent optional fields as ``null``, Avro bytes as base64.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any, NamedTuple

import fastavro

from openedx_events._private.avro.codec import codec_for
from openedx_events._private.avro.diagnose import FieldProblem
from openedx_events._private.avro.json_record import json_to_record, record_to_json
from openedx_events._private.metadata import CLOUDEVENTS_SPEC_VERSION, EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus.headers import metadata_from_headers
from openedx_events.exceptions import (
    EventDeserializationError,
    EventSerializationError,
    OpenEdxEventException,
)

__all__ = [
    "JSON_CONTENT_TYPE",
    "StructuredEvent",
    "event_from_cloudevent",
    "event_from_cloudevent_json",
    "event_to_cloudevent",
    "event_to_cloudevent_json",
]

JSON_CONTENT_TYPE = "application/json"
# CloudEvents attribute -> the Redis-style header name the metadata reader understands.
_ATTRIBUTES = {
    "type": "type",
    "id": "id",
    "source": "source",
    "time": "time",
    "minorversion": "minorversion",
    "sourcehost": "sourcehost",
    "sourcelib": "sourcelib",
}


class StructuredEvent(NamedTuple):
    """An event read back from JSON: its signal, keyword arguments and metadata."""

    signal: OpenEdxPublicSignal
    event_data: dict[str, Any]
    metadata: EventsMetadata


def event_to_cloudevent(
    event_data: Mapping[str, Any], signal: OpenEdxPublicSignal, metadata: EventsMetadata
) -> dict[str, Any]:
    """The structured-mode CloudEvent of one event, as a JSON-compatible dict."""
    if metadata.event_type != signal.event_type:
        raise EventSerializationError(
            signal.event_type, f"the metadata is for {metadata.event_type}", field="type"
        )
    record = codec_for(signal).record(event_data)
    return {
        "specversion": CLOUDEVENTS_SPEC_VERSION,
        "type": metadata.event_type,
        "id": str(metadata.id),
        "source": metadata.source,
        "time": metadata.time.isoformat(),
        "datacontenttype": JSON_CONTENT_TYPE,
        "minorversion": metadata.minorversion,
        "sourcehost": metadata.sourcehost,
        "sourcelib": ".".join(str(part) for part in metadata.sourcelib),
        "data": record_to_json(record),
    }


def event_to_cloudevent_json(
    event_data: Mapping[str, Any], signal: OpenEdxPublicSignal, metadata: EventsMetadata
) -> str:
    """The structured-mode CloudEvent of one event, as a JSON document."""
    return json.dumps(event_to_cloudevent(event_data, signal, metadata))


def event_from_cloudevent(envelope: Mapping[str, Any]) -> StructuredEvent:
    """The event in a structured-mode CloudEvent (a parsed JSON object).

    Raises:
        EventDeserializationError: the envelope or data is malformed, or the event type is
            unknown; ``field`` names the attribute or data path at fault.
    """
    if not isinstance(envelope, Mapping):
        raise EventDeserializationError("", "a CloudEvent must be a JSON object")
    event_type = envelope.get("type")
    event_type = event_type if isinstance(event_type, str) else ""
    _check_envelope(envelope, event_type)
    headers = {}
    for attribute, header in _ATTRIBUTES.items():
        if attribute in envelope:
            value = envelope[attribute]
            headers[header] = str(value) if isinstance(value, int) else value
    metadata = metadata_from_headers(headers, style="redis")
    try:
        signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
    except OpenEdxEventException as error:
        raise EventDeserializationError(event_type, "unknown event type", field="type") from error
    codec = codec_for(signal)
    if "data" not in envelope:
        raise EventDeserializationError(event_type, "missing attribute", field="data")
    try:
        record = json_to_record(codec.fields, envelope["data"])
    except FieldProblem as problem:
        path = f"data.{problem.path}" if problem.path else "data"
        raise EventDeserializationError(event_type, problem.message, field=path) from problem
    # Through Avro bytes, so that keys, times and streams are rebuilt (and checked) exactly as
    # for events from the bus.
    out = io.BytesIO()
    fastavro.schemaless_writer(out, codec.parsed_schema, record)
    try:
        event_data = codec.decode(out.getvalue())
    except EventDeserializationError as error:  # a field path in the envelope starts at data
        field = f"data.{error.field}" if error.field else "data"
        raise EventDeserializationError(event_type, error.reason, field=field) from error
    return StructuredEvent(signal, event_data, metadata)


def event_from_cloudevent_json(document: str | bytes) -> StructuredEvent:
    """The event in a structured-mode CloudEvent JSON document."""
    try:
        envelope = json.loads(document)
    except (ValueError, TypeError) as error:
        raise EventDeserializationError("", f"not a JSON document: {error}") from error
    return event_from_cloudevent(envelope)


def _check_envelope(envelope: Mapping[str, Any], event_type: str) -> None:
    if envelope.get("specversion") != CLOUDEVENTS_SPEC_VERSION:
        raise EventDeserializationError(
            event_type,
            f"must be {CLOUDEVENTS_SPEC_VERSION!r}, got {envelope.get('specversion')!r}",
            field="specversion",
        )
    content_type = envelope.get("datacontenttype", JSON_CONTENT_TYPE)
    if content_type != JSON_CONTENT_TYPE:
        raise EventDeserializationError(
            event_type,
            f"must be {JSON_CONTENT_TYPE!r}, got {content_type!r}",
            field="datacontenttype",
        )
    for attribute in ("type", "id", "source", "time", "sourcehost", "sourcelib"):
        if attribute in envelope and not isinstance(envelope[attribute], str):
            raise EventDeserializationError(event_type, "must be a string", field=attribute)
    minor = envelope.get("minorversion", 0)
    if not isinstance(minor, int) or isinstance(minor, bool):
        raise EventDeserializationError(event_type, "must be an integer", field="minorversion")
