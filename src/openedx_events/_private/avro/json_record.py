"""Avro records <-> JSON values: the data of a structured-mode CloudEvent.

The JSON form is the Avro record itself (keys and datetimes already strings, optional fields
``null``), except that Avro ``bytes`` become base64 text, since JSON has no bytes. Reading
checks every value against the event's type model and names the path of the first misfit.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from openedx_events._private.avro.diagnose import FieldProblem, check_primitive
from openedx_events._private.avro.model import (
    ArrayNode,
    CustomNode,
    FieldNode,
    MapNode,
    Node,
    PrimitiveNode,
    RecordNode,
)

__all__ = ["json_to_record", "record_to_json"]


def record_to_json(value: Any) -> Any:
    """A JSON-compatible copy of an Avro record (bytes as base64)."""
    if isinstance(value, dict):
        return {key: record_to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [record_to_json(item) for item in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def json_to_record(fields: tuple[FieldNode, ...], data: Any) -> dict[str, Any]:
    """The Avro record of an event's JSON data, checked against ``fields``."""
    return _record_fields(fields, data, "")


def _record_fields(fields: tuple[FieldNode, ...], data: Any, path: str) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise FieldProblem(path or None, f"expected a JSON object, got {type(data).__name__}")
    names = {field.name for field in fields}
    for key in data:
        if key not in names:
            raise FieldProblem(_join(path, str(key)), "unknown field")
    record: dict[str, Any] = {}
    for field in fields:
        field_path = _join(path, field.name)
        if field.name not in data:
            if field.optional:
                record[field.name] = None
                continue
            raise FieldProblem(field_path, "missing field")
        value = data[field.name]
        if value is None and field.optional:
            record[field.name] = None
        else:
            record[field.name] = _value(field.node, value, field_path)
    return record


def _value(node: Node, value: Any, path: str) -> Any:
    if isinstance(node, (PrimitiveNode, CustomNode)):
        avro_type = node.avro_type if isinstance(node, PrimitiveNode) else node.entry.avro_type
        if avro_type == "bytes":
            return _base64(value, path)
        if avro_type == "double" and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return check_primitive(avro_type, value, path)
    if isinstance(node, RecordNode):
        return _record_fields(node.fields, value, path)
    if isinstance(node, ArrayNode):
        if not isinstance(value, list):
            raise FieldProblem(path, f"expected a JSON array, got {type(value).__name__}")
        return [_value(node.items, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(node, MapNode):
        if not isinstance(value, Mapping):
            raise FieldProblem(path, f"expected a JSON object, got {type(value).__name__}")
        return {key: _value(node.values, item, f"{path}[{key!r}]") for key, item in value.items()}
    raise FieldProblem(path, f"no JSON mapping for {node!r}")  # pragma: no cover


def _base64(value: Any, path: str) -> bytes:
    if not isinstance(value, str):
        raise FieldProblem(path, f"expected base64 text, got {type(value).__name__}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise FieldProblem(path, f"not valid base64: {error}") from error


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
