"""Slow, checked codecs that say which field is at fault.

The generated codecs are fast because they check little and track no position. When they
fail, these walkers redo the work one value at a time, with the dotted path of every value,
and report the first problem as a :class:`FieldProblem`. They are also a plain reference for
what the fast codecs must produce.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any

from openedx_events._private.avro.model import (
    ArrayNode,
    CustomNode,
    FieldNode,
    MapNode,
    Node,
    PrimitiveNode,
    RecordNode,
)

__all__ = ["FieldProblem", "check_primitive", "checked_decode", "checked_encode"]

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_MAX_VARINT_BYTES = 10
# Items that take no bytes at all (a record without fields) could make a short payload claim
# a huge array; beyond this count such a claim is refused instead of looped over.
_MAX_EMPTY_ITEMS = 100_000
_DOUBLE = struct.Struct("<d")


class FieldProblem(Exception):
    """The value at ``path`` does not fit its field."""

    def __init__(self, path: str | None, message: str) -> None:
        self.path = path or None
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# --- encoding --------------------------------------------------------------------------------


def checked_encode(fields: tuple[FieldNode, ...], event_data: Mapping[str, Any]) -> dict[str, Any]:
    """The Avro record of ``event_data`` (a signal's keyword arguments), checked field by field.

    As in the reference implementation, a data class field may also be given as a plain
    dict of its fields (what a command building events from JSON has); inside such a dict a
    custom-type value may already be in its wire form (a key as its string).
    """
    if not isinstance(event_data, Mapping):
        raise FieldProblem(None, f"event data must be a mapping, got {type(event_data).__name__}")
    names = {field.name for field in fields}
    for name in event_data:
        if name not in names:
            raise FieldProblem(str(name), "unexpected argument: the event does not carry it")
    record = {}
    for field in fields:
        if field.name not in event_data:
            raise FieldProblem(field.name, "missing argument")
        record[field.name] = _encode_field(field, event_data[field.name], field.name, False)
    return record


def _encode_field(field: FieldNode, value: Any, path: str, loose: bool) -> Any:
    if value is None and field.optional:
        return None
    return _encode(field.node, value, path, loose)


def _encode(node: Node, value: Any, path: str, loose: bool) -> Any:
    if isinstance(node, PrimitiveNode):
        return check_primitive(node.avro_type, value, path)
    if isinstance(node, CustomNode):
        return _encode_custom(node, value, path, loose)
    if isinstance(node, RecordNode):
        return _encode_record(node, value, path, loose)
    if isinstance(node, ArrayNode):
        if not isinstance(value, (list, tuple)):
            raise FieldProblem(path, f"expected a list, got {_show(value)}")
        return [_encode(node.items, item, f"{path}[{i}]", loose) for i, item in enumerate(value)]
    if isinstance(node, MapNode):
        if not isinstance(value, dict):
            raise FieldProblem(path, f"expected a dict, got {_show(value)}")
        for key in value:
            if not isinstance(key, str):
                raise FieldProblem(path, f"map keys must be str, got {_show(key)}")
            _check_text(key, f"{path}[{key!r}]")
        return {
            key: _encode(node.values, item, f"{path}[{key!r}]", loose)
            for key, item in value.items()
        }
    raise FieldProblem(path, f"no Avro mapping for {node!r}")  # pragma: no cover


def _encode_custom(node: CustomNode, value: Any, path: str, loose: bool) -> Any:
    entry = node.entry
    if not isinstance(value, entry.instance_of):
        if loose and value is not None:
            return _wire_form(node, value, path)
        if value is None:  # the reference's wording, which its users' tests compare
            raise FieldProblem(
                path, "None cannot be handled by custom serializers (and default=None was not set)"
            )
        raise FieldProblem(path, f"expected {_names(entry.instance_of)}, got {_show(value)}")
    try:
        wire = entry.encode(value)
    except Exception as error:
        raise FieldProblem(path, f"could not encode {_show(value)}: {error!r}") from error
    return check_primitive(entry.avro_type, wire, path)


def _wire_form(node: CustomNode, value: Any, path: str) -> Any:
    # A value given in its wire form must be one the consumer can turn back into its type.
    wire = check_primitive(node.entry.avro_type, value, path)
    try:
        node.entry.decode(wire)
    except Exception as error:
        raise FieldProblem(
            path, f"{_show(value)} is not a valid {_names(node.entry.instance_of)}: {error!r}"
        ) from error
    return wire


def _encode_record(node: RecordNode, value: Any, path: str, loose: bool) -> dict[str, Any]:
    if isinstance(value, node.cls):
        return {
            field.name: _encode_field(
                field, getattr(value, field.name), _join(path, field.name), loose
            )
            for field in node.fields
        }
    if isinstance(value, Mapping):
        return _encode_record_dict(node, value, path)
    raise FieldProblem(path, f"expected {node.name}, got {_show(value)}")


def _encode_record_dict(node: RecordNode, value: Mapping[Any, Any], path: str) -> dict[str, Any]:
    names = {field.name for field in node.fields}
    for key in value:
        if key not in names:
            raise FieldProblem(_join(path, str(key)), f"{node.name} has no field {key!r}")
    record = {}
    for field in node.fields:
        field_path = _join(path, field.name)
        if field.name not in value and not field.optional:
            raise FieldProblem(field_path, f"missing field of {node.name}")
        record[field.name] = _encode_field(field, value.get(field.name), field_path, True)
    return record


def check_primitive(avro_type: str, value: Any, path: str) -> Any:
    """``value`` as the Avro primitive ``avro_type``; FieldProblem if it does not fit."""
    if avro_type == "boolean" and isinstance(value, bool):
        return value
    if avro_type == "long" and isinstance(value, int) and not isinstance(value, bool):
        if not _LONG_MIN <= value <= _LONG_MAX:
            raise FieldProblem(path, f"{value} does not fit a 64-bit Avro long")
        return int(value)
    if avro_type == "double" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if avro_type == "string" and isinstance(value, str):
        _check_text(value, path)
        return str(value)
    if avro_type == "bytes" and isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise FieldProblem(path, f"expected an Avro {avro_type}, got {_show(value)}")


def _check_text(value: str, path: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise FieldProblem(path, f"text is not valid UTF-8: {error.reason}") from error


def _names(types: type | tuple[type, ...]) -> str:
    if isinstance(types, tuple):
        return " or ".join(t.__name__ for t in types)
    return types.__name__


def _show(value: Any) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{type(value).__name__} {text}"


# --- decoding --------------------------------------------------------------------------------


def checked_decode(fields: tuple[FieldNode, ...], data: bytes) -> dict[str, Any]:
    """Decode schemaless Avro ``data`` into a signal's keyword arguments, checking every byte."""
    reader = _Reader(data)
    result = {field.name: reader.field(field, field.name) for field in fields}
    if reader.position != len(data):
        raise FieldProblem(
            None, f"{len(data) - reader.position} unexpected bytes after the end of the event"
        )
    return result


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        self.position = 0

    def field(self, field: FieldNode, path: str) -> Any:
        if field.optional:
            branch = self.long(path)
            if branch == 0:
                return None
            if branch != 1:
                raise FieldProblem(path, f"union branch {branch} does not exist (0 or 1)")
        return self.value(field.node, path)

    def value(self, node: Node, path: str) -> Any:
        if isinstance(node, PrimitiveNode):
            return self.primitive(node.avro_type, path)
        if isinstance(node, CustomNode):
            wire = self.primitive(node.entry.avro_type, path)
            try:
                return node.entry.decode(wire)
            except Exception as error:
                raise FieldProblem(path, f"could not decode {wire!r}: {error}") from error
        if isinstance(node, RecordNode):
            values = {
                field.init_name: self.field(field, _join(path, field.name)) for field in node.fields
            }
            try:
                return node.cls(**values)
            except Exception as error:
                raise FieldProblem(path, f"could not build {node.name}: {error}") from error
        if isinstance(node, ArrayNode):
            items: list[Any] = []
            while count := self.block_count(node.items, path):
                for _ in range(count):
                    items.append(self.value(node.items, f"{path}[{len(items)}]"))
            return items
        if isinstance(node, MapNode):
            entries: dict[str, Any] = {}
            while count := self.block_count(node.values, path):
                for _ in range(count):
                    key = self.primitive("string", f"{path}{{key}}")
                    entries[key] = self.value(node.values, f"{path}[{key!r}]")
            return entries
        raise FieldProblem(path, f"no Avro mapping for {node!r}")  # pragma: no cover

    def block_count(self, item: Node, path: str) -> int:
        """The item count of the next block of an array or map; 0 ends the value."""
        count = self.long(path)
        if count < 0:
            count = -count
            self.long(path)  # the block's size in bytes, which a reader may skip by
        remaining = len(self.data) - self.position
        if count > max(remaining, _MAX_EMPTY_ITEMS if _min_size(item) == 0 else 0):
            raise FieldProblem(
                path, f"a block claims {count} items but only {remaining} bytes are left"
            )
        return count

    def primitive(self, avro_type: str, path: str) -> Any:
        if avro_type == "long":
            return self.long(path)
        if avro_type == "string":
            raw = self.raw(path)
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise FieldProblem(path, f"text is not valid UTF-8: {error.reason}") from error
        if avro_type == "bytes":
            return self.raw(path)
        if avro_type == "boolean":
            byte = self.take(1, path)[0]
            if byte > 1:
                raise FieldProblem(path, f"a boolean is 0 or 1, got {byte}")
            return byte == 1
        if avro_type == "double":
            value: float = _DOUBLE.unpack(self.take(8, path))[0]
            return value
        raise FieldProblem(path, f"unsupported Avro type {avro_type}")  # pragma: no cover

    def long(self, path: str) -> int:
        shift = result = 0
        for _ in range(_MAX_VARINT_BYTES):
            byte = self.take(1, path)[0]
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return (result >> 1) ^ -(result & 1)
            shift += 7
        raise FieldProblem(path, "a number is longer than a 64-bit varint")

    def raw(self, path: str) -> bytes:
        size = self.long(path)
        if size < 0:
            raise FieldProblem(path, f"negative length {size}")
        return self.take(size, path)

    def take(self, size: int, path: str) -> bytes:
        end = self.position + size
        if end > len(self.data):
            left = len(self.data) - self.position
            raise FieldProblem(path, f"truncated: needs {size} bytes, only {left} left")
        chunk = self.data[self.position : end]
        self.position = end
        return chunk


def _min_size(node: Node) -> int:
    if isinstance(node, RecordNode):
        return sum(1 if field.optional else _min_size(field.node) for field in node.fields)
    return 1
