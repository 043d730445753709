"""The message key of an event: the value at the signal's ``event_key_field`` (a dotted path).

Kafka partitions by this key, so every event about, say, one course lands in one partition
and keeps its order. The key travels as the Avro encoding of that one field.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import fastavro

from openedx_events._private.avro.codec import codec_for
from openedx_events._private.avro.diagnose import FieldProblem, checked_encode
from openedx_events._private.avro.model import FieldNode, RecordNode
from openedx_events._private.fields import FieldPathError, field_path_value
from openedx_events.exceptions import EventSerializationError

if TYPE_CHECKING:
    from openedx_events._private.signal import OpenEdxPublicSignal

# Per signal, built on first use: the key's field and its parsed Avro type.
_key_fields: dict[OpenEdxPublicSignal, tuple[FieldNode, dict[str, Any]]] = {}
_parsed_key_schemas: dict[OpenEdxPublicSignal, Any] = {}

__all__ = [
    "event_key_bytes",
    "event_key_schema",
    "event_key_value",
    "event_key_wire_value",
    "key_value_to_wire",
]


def _key_path(signal: OpenEdxPublicSignal) -> list[str]:
    if not signal.event_key_field:
        raise EventSerializationError(signal.event_type, "the event has no event_key_field")
    return signal.event_key_field.split(".")


def _key_field(signal: OpenEdxPublicSignal) -> tuple[FieldNode, dict[str, Any]]:
    """The key's field node and its field entry in the event's Avro schema (cached)."""
    found = _key_fields.get(signal)
    if found is None:
        found = _key_fields[signal] = _find_key_field(signal)
    return found


def _parsed_key_schema(signal: OpenEdxPublicSignal) -> Any:
    parsed = _parsed_key_schemas.get(signal)
    if parsed is None:
        parsed = _parsed_key_schemas[signal] = fastavro.parse_schema(
            copy.deepcopy(_key_field(signal)[1]["type"])
        )
    return parsed


def _find_key_field(signal: OpenEdxPublicSignal) -> tuple[FieldNode, dict[str, Any]]:
    codec = codec_for(signal)
    fields = codec.fields
    schema_fields: list[dict[str, Any]] = codec.schema["fields"]
    named: dict[str, dict[str, Any]] = {}
    _collect_named(schema_fields, named)
    path = _key_path(signal)
    for depth, name in enumerate(path):
        matches = [i for i, field in enumerate(fields) if field.name == name]
        if not matches:
            raise EventSerializationError(
                signal.event_type, "the event key path does not exist", field=signal.event_key_field
            )
        field, schema_field = fields[matches[0]], schema_fields[matches[0]]
        if depth == len(path) - 1:
            return field, _resolve_names(schema_field, named)
        if not isinstance(field.node, RecordNode):
            raise EventSerializationError(
                signal.event_type,
                "the event key path crosses a non-record field",
                field=signal.event_key_field,
            )
        fields = field.node.fields
        record_type = schema_field["type"]
        if isinstance(record_type, list):
            record_type = record_type[1]
        if isinstance(record_type, str):
            record_type = named[record_type]
        schema_fields = record_type["fields"]
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns


def _collect_named(fields: list[dict[str, Any]], named: dict[str, dict[str, Any]]) -> None:
    def visit(avro_type: Any) -> None:
        if isinstance(avro_type, list):
            for branch in avro_type:
                visit(branch)
        elif isinstance(avro_type, dict):
            if avro_type.get("type") == "record":
                named.setdefault(avro_type["name"], avro_type)
                for field in avro_type["fields"]:
                    visit(field["type"])
            visit(avro_type.get("items"))
            visit(avro_type.get("values"))

    for field in fields:
        visit(field["type"])


def _resolve_names(
    schema_field: dict[str, Any], named: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    # A key schema stands alone, so a record it names only by reference is spelled out.
    def resolve(avro_type: Any) -> Any:
        if isinstance(avro_type, str):
            return named.get(avro_type, avro_type)
        if isinstance(avro_type, list):
            return [resolve(branch) for branch in avro_type]
        return avro_type

    return {**schema_field, "type": resolve(schema_field["type"])}


def event_key_schema(signal: OpenEdxPublicSignal) -> dict[str, Any]:
    """The Avro field definition of the key: ``{"name": "course_key", "type": "string"}``."""
    return copy.deepcopy(_key_field(signal)[1])


def event_key_value(event_data: Mapping[str, Any], signal: OpenEdxPublicSignal) -> Any:
    """The Python value at the signal's key path in ``event_data`` (a key, a str, ...)."""
    path = ".".join(_key_path(signal))
    try:
        return field_path_value(event_data, path)
    except FieldPathError as error:
        raise EventSerializationError(
            signal.event_type, f"the event key cannot be read: {error}", field=path
        ) from error


def event_key_wire_value(event_data: Mapping[str, Any], signal: OpenEdxPublicSignal) -> Any:
    """The key as the Avro value it travels as (``str(course_key)`` for a course key)."""
    return key_value_to_wire(event_key_value(event_data, signal), signal)


def key_value_to_wire(value: Any, signal: OpenEdxPublicSignal) -> Any:
    """A value of the key field's type as the Avro value it travels as."""
    field, _ = _key_field(signal)
    try:
        return checked_encode((field,), {field.name: value})[field.name]
    except FieldProblem as problem:
        raise EventSerializationError(
            signal.event_type, problem.message, field=signal.event_key_field
        ) from problem


def event_key_bytes(event_data: Mapping[str, Any], signal: OpenEdxPublicSignal) -> bytes:
    """The key's schemaless Avro encoding, as the Kafka key carries it (before any framing)."""
    wire = event_key_wire_value(event_data, signal)
    out = io.BytesIO()
    fastavro.schemaless_writer(out, _parsed_key_schema(signal), wire)
    return out.getvalue()
