"""A resolved view of event data types, shared by schema generation, codecs and diagnostics.

Every annotation found in a data class resolves to one node: a primitive, a custom type, a
nested record (another data class), an array or a map. Resolution fails with
:class:`UnsupportedTypeError` naming the dotted field path that has no Avro mapping.
"""

from __future__ import annotations

import functools
import typing
from typing import Any

import attrs

from openedx_events._private.avro.custom_types import CustomType, custom_type_for
from openedx_events._private.fields import data_fields, is_data_class, type_label

__all__ = [
    "ArrayNode",
    "CustomNode",
    "ExtraTypes",
    "FieldNode",
    "MapNode",
    "Node",
    "PrimitiveNode",
    "RecordNode",
    "UnsupportedTypeError",
    "node_for",
    "record_node",
]

# bool is checked before int on purpose: it is a subclass of int but a different Avro type.
_PRIMITIVES: dict[Any, tuple[str, type | tuple[type, ...]]] = {
    bool: ("boolean", bool),
    int: ("long", int),
    float: ("double", (float, int)),
    str: ("string", str),
    bytes: ("bytes", bytes),
}


class UnsupportedTypeError(TypeError):
    """A field's type has no Avro mapping."""

    def __init__(self, path: str, label: str) -> None:
        self.path = path
        self.label = label
        super().__init__(f"type {label} has no Avro mapping")


@attrs.frozen
class PrimitiveNode:
    """An Avro primitive: ``string``, ``long``, ``double``, ``boolean`` or ``bytes``."""

    avro_type: str
    python_type: type
    instance_of: type | tuple[type, ...]


@attrs.frozen
class CustomNode:
    """A registered custom type (key, datetime, UUID, stream, or a user type)."""

    entry: CustomType


@attrs.frozen
class ArrayNode:
    """``list[X]``: an Avro array."""

    items: Node


@attrs.frozen
class MapNode:
    """``dict[str, X]``: an Avro map."""

    values: Node


@attrs.frozen
class FieldNode:
    """One field of a record: its wire name, ``__init__`` argument and type."""

    name: str
    init_name: str
    kw_only: bool
    optional: bool
    node: Node

    @property
    def inlinable(self) -> bool:
        """Whether the field is a required record, whose fields the flat writer inlines.

        Avro writes a record as its fields one after the other, with nothing around them, so
        such a field's bytes are the same whether it is nested or its fields are inlined.
        """
        return not self.optional and isinstance(self.node, RecordNode)


@attrs.frozen(eq=False)
class RecordNode:
    """A data class: an Avro record named after the class."""

    cls: type
    fields: tuple[FieldNode, ...]

    @property
    def name(self) -> str:
        """The record's Avro name."""
        return self.cls.__name__


Node = PrimitiveNode | CustomNode | ArrayNode | MapNode | RecordNode


#: Custom types of one serializer, looked up before the registry's (see ``custom_type_for``).
ExtraTypes = tuple[CustomType, ...]


def node_for(annotation: Any, path: str, extra: ExtraTypes = ()) -> Node:
    """The node of ``annotation``, found at dotted ``path`` (used in errors)."""
    if annotation in _PRIMITIVES:
        avro_type, instance_of = _PRIMITIVES[annotation]
        return PrimitiveNode(avro_type, annotation, instance_of)
    entry = custom_type_for(annotation, extra)
    if entry is not None:
        return CustomNode(entry)
    if is_data_class(annotation):
        return record_node(annotation, path, extra)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and len(args) == 1:
        return ArrayNode(node_for(args[0], f"{path}[]", extra))
    if origin is dict and len(args) == 2 and args[0] is str:
        return MapNode(node_for(args[1], f"{path}{{}}", extra))
    raise UnsupportedTypeError(path, type_label(annotation))


def record_node(cls: type, path: str = "", extra: ExtraTypes = ()) -> RecordNode:
    """The node of data class ``cls``; ``path`` locates it for error messages."""
    try:
        return _record_node(cls, extra)
    except UnsupportedTypeError as error:
        if path:
            raise UnsupportedTypeError(f"{path}.{error.path}", error.label) from error
        raise


@functools.cache
def _record_node(cls: type, extra: ExtraTypes) -> RecordNode:
    by_name = {field.name: field for field in attrs.fields(cls)}
    fields = []
    for spec in data_fields(cls):
        attribute = by_name[spec.name]
        if not attribute.init:
            continue
        fields.append(
            FieldNode(
                name=spec.name,
                init_name=attribute.alias or spec.name,
                kw_only=attribute.kw_only,
                optional=spec.optional,
                node=node_for(spec.type, spec.name, extra),
            )
        )
    return RecordNode(cls, tuple(fields))
