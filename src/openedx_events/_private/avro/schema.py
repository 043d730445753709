"""Avro schemas generated from a signal's data classes.

The rules, which the reference implementation's schemas follow too: the top-level record is
``CloudEvent`` in the namespace of the event type, with one field per signal argument; each
nested record is named after its data class, defined in full where it first appears (depth
first) and referenced by name afterwards; a field that defaults to ``None`` is the union
``["null", T]`` with ``"default": null``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openedx_events._private.avro.model import (
    ArrayNode,
    CustomNode,
    ExtraTypes,
    FieldNode,
    MapNode,
    Node,
    PrimitiveNode,
    RecordNode,
    UnsupportedTypeError,
    node_for,
)

__all__ = [
    "SCHEMA_DOC",
    "SchemaConflictError",
    "flat_schema",
    "signal_record_fields",
    "signal_schema",
]

SCHEMA_DOC = "Avro Event Format for CloudEvents created with openedx_events/schema"


class SchemaConflictError(TypeError):
    """Two different data classes would define the same record name in one schema."""

    def __init__(self, path: str, name: str) -> None:
        self.path = path
        super().__init__(f"two different data classes are both named {name}")


def signal_record_fields(
    init_data: Mapping[str, type], extra: ExtraTypes = ()
) -> tuple[FieldNode, ...]:
    """The top-level record's fields: one per signal argument, in declaration order."""
    fields = []
    for name, annotation in init_data.items():
        fields.append(FieldNode(name, name, False, False, node_for(annotation, name, extra)))
    return tuple(fields)


def signal_schema(
    event_type: str, init_data: Mapping[str, type], extra: ExtraTypes = ()
) -> dict[str, Any]:
    """The Avro schema of an event (a JSON-compatible dict).

    Raises:
        UnsupportedTypeError: a field's type has no Avro mapping.
        SchemaConflictError: two data classes share a record name.
    """
    defined: dict[str, type] = {}
    fields = [
        _field(field, field.name, defined) for field in signal_record_fields(init_data, extra)
    ]
    return {
        "name": "CloudEvent",
        "type": "record",
        "doc": SCHEMA_DOC,
        "fields": fields,
        "namespace": event_type,
    }


def flat_schema(event_type: str, fields: tuple[FieldNode, ...]) -> dict[str, Any]:
    """A schema whose records are the same bytes as the event's, with required records inlined.

    Its fields are the leaves of :func:`signal_schema`'s tree, depth first, named ``f0``,
    ``f1``, ...: every field but those :attr:`FieldNode.inlinable`, whose own fields take
    their place. fastavro writes and reads one flat record noticeably faster than nested
    ones; the flat encoder and decoder fill and read it in the same order.
    """
    defined: dict[str, type] = {}
    leaves: list[dict[str, Any]] = []

    def add(fields: tuple[FieldNode, ...], path: str) -> None:
        for field in fields:
            field_path = f"{path}.{field.name}" if path else field.name
            if field.inlinable:
                assert isinstance(field.node, RecordNode)  # what inlinable means
                add(field.node.fields, field_path)
            else:
                leaves.append({**_field(field, field_path, defined), "name": f"f{len(leaves)}"})

    add(fields, "")
    return {"name": "FlatCloudEvent", "type": "record", "fields": leaves, "namespace": event_type}


def _field(field: FieldNode, path: str, defined: dict[str, type]) -> dict[str, Any]:
    avro_type = _type(field.node, path, defined)
    if field.optional:
        return {"name": field.name, "type": ["null", avro_type], "default": None}
    return {"name": field.name, "type": avro_type}


def _type(node: Node, path: str, defined: dict[str, type]) -> Any:
    if isinstance(node, PrimitiveNode):
        return node.avro_type
    if isinstance(node, CustomNode):
        return node.entry.avro_type
    if isinstance(node, ArrayNode):
        return {"type": "array", "items": _type(node.items, f"{path}[]", defined)}
    if isinstance(node, MapNode):
        return {"type": "map", "values": _type(node.values, f"{path}{{}}", defined)}
    if isinstance(node, RecordNode):
        return _record(node, path, defined)
    raise UnsupportedTypeError(path, repr(node))  # pragma: no cover - the node union is closed


def _record(node: RecordNode, path: str, defined: dict[str, type]) -> Any:
    known = defined.get(node.name)
    if known is node.cls:
        return node.name
    if known is not None:
        raise SchemaConflictError(path, node.name)
    defined[node.name] = node.cls
    return {
        "name": node.name,
        "type": "record",
        "fields": [_field(field, f"{path}.{field.name}", defined) for field in node.fields],
    }
