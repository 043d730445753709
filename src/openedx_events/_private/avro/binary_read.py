"""Schemaless Avro bytes -> event data, by a reader generated once per signal.

fastavro's reader calls a file object once per primitive; the generated reader indexes the
bytes directly and builds the custom types and data classes as it goes, the same objects
:func:`.decoder.compile_flat_decoder` builds from fastavro's record. It accepts no more than
fastavro does (truncated or trailing bytes, a bad union index, a negative length or invalid
UTF-8 all raise), and it raises on some inputs fastavro accepts (a boolean byte other than 0
or 1, a union index of -1, a varint longer than 64 bits): the caller then reads the bytes
with fastavro, the codec of record, which gives the result or the typed error of today.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable
from typing import Any

from openedx_events._private.avro._codegen import FunctionBuilder
from openedx_events._private.avro.decoder import construct_record
from openedx_events._private.avro.model import (
    ArrayNode,
    CustomNode,
    FieldNode,
    MapNode,
    Node,
    PrimitiveNode,
    RecordNode,
)

__all__ = [
    "MAX_DEPTH",
    "MalformedBytes",
    "UnsupportedSchema",
    "compile_reader",
    "read_block",
    "read_long",
    "read_size",
]

#: Records nest at most this deep in generated code; deeper (or recursive) schemas use fastavro.
MAX_DEPTH = 16
_PRIMITIVES = ("long", "boolean", "string", "bytes", "double")


class MalformedBytes(ValueError):
    """The bytes are not what the generated reader accepts (fastavro decides what they are)."""


class UnsupportedSchema(TypeError):
    """The schema has something the generated reader or writer does not handle."""


def read_long(data: bytes, at: int) -> tuple[int, int]:
    """The zig-zag varint at ``at`` and the index after it; any length, up to 64 bits."""
    byte = data[at]
    at += 1
    result = byte & 0x7F
    shift = 7
    while byte & 0x80:
        if shift > 63:  # more than ten bytes: past what a 64-bit long can hold
            raise MalformedBytes("varint too long")
        byte = data[at]
        at += 1
        result |= (byte & 0x7F) << shift
        shift += 7
    if result >> 64:
        raise MalformedBytes("varint beyond 64 bits")
    return (result >> 1) ^ -(result & 1), at


def read_size(data: bytes, at: int) -> tuple[int, int]:
    """A string's or bytes' length (a long that must not be negative) and the index after it."""
    size, at = read_long(data, at)
    if size < 0:
        raise MalformedBytes("negative length")
    return size, at


def read_block(data: bytes, at: int) -> tuple[int, int]:
    """The item count of an array or map block and the index after its header.

    A negative count is followed by the block's size in bytes, which is read and skipped.
    Every item takes at least one byte, so a count beyond the bytes left is malformed (and
    rejecting it keeps a forged count from looping).
    """
    byte = data[at]
    if not byte & 0x81:  # one byte, not negative: the common case
        return byte >> 1, at + 1
    count, at = read_long(data, at)
    if count < 0:
        count = -count
        _, at = read_long(data, at)
    if count > len(data) - at:
        raise MalformedBytes("block count beyond the bytes left")
    return count, at


def _fail(at: int) -> Any:
    raise MalformedBytes(f"unexpected bytes at {at}")


def compile_reader(fields: tuple[FieldNode, ...], label: str) -> Callable[[bytes], dict[str, Any]]:
    """A function reading the schemaless Avro bytes of ``fields`` into keyword arguments.

    Raises:
        UnsupportedSchema: a type (a custom type's Avro type, say) the reader does not handle.
    """
    return _ReaderBuilder(label).build(fields)


class _ReaderBuilder:
    def __init__(self, label: str) -> None:
        self._builder = FunctionBuilder(f"binary reader {label}")
        self._names = itertools.count()
        self._long = self._builder.constant(read_long, "rlong")
        self._size = self._builder.constant(read_size, "rsize")
        self._block = self._builder.constant(read_block, "rblock")
        self._fail = self._builder.constant(_fail, "fail")
        self._bools = self._builder.constant((False, True), "bools")
        self._double = self._builder.constant(struct.Struct("<d").unpack_from, "rdouble")

    def build(self, fields: tuple[FieldNode, ...]) -> Callable[[bytes], dict[str, Any]]:
        name = self._builder.new_name("read_event")
        lines = [f"def {name}(b):", "    i = 0"]
        targets = []
        for field in fields:
            target = self._local()
            self._field(field, target, lines, "    ", 0)
            targets.append(target)
        lines.append(f"    if i != len(b): {self._fail}(i)")
        items = ", ".join(
            f"{field.name!r}: {target}" for field, target in zip(fields, targets, strict=True)
        )
        lines.append(f"    return {{{items}}}")
        self._builder.add("\n".join(lines))
        return self._builder.compile(name)

    def _local(self) -> str:
        return f"x{next(self._names)}"

    def _field(self, field: FieldNode, target: str, lines: list[str], ind: str, depth: int) -> None:
        if not field.optional:
            self._value(field.node, target, lines, ind, depth)
            return
        # ["null", X]: index 0 is null, index 1 (zig-zag 2) is X.
        lines.append(f"{ind}n = b[i]")
        lines.append(f"{ind}i += 1")
        lines.append(f"{ind}if n == 2:")
        self._value(field.node, target, lines, ind + "    ", depth)
        lines.append(f"{ind}elif n: {self._fail}(i)")
        lines.append(f"{ind}else: {target} = None")

    def _value(self, node: Node, target: str, lines: list[str], ind: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise UnsupportedSchema("records nested too deep")
        if isinstance(node, PrimitiveNode):
            self._primitive(node.avro_type, target, lines, ind)
        elif isinstance(node, CustomNode):
            # A custom type's Avro type may be anything (a named or logical type, a dict).
            if not isinstance(node.entry.avro_type, str) or node.entry.avro_type not in _PRIMITIVES:
                raise UnsupportedSchema(f"custom Avro type {node.entry.avro_type!r}")
            raw = self._local()
            self._primitive(node.entry.avro_type, raw, lines, ind)
            decode = self._builder.constant(node.entry.decode, "dec")
            lines.append(f"{ind}{target} = {decode}({raw})")
        elif isinstance(node, RecordNode):
            if not node.fields:  # takes no bytes: a forged block count could loop on it
                raise UnsupportedSchema(f"record {node.name} has no fields")
            values = []
            for field in node.fields:
                value = self._local()
                self._field(field, value, lines, ind, depth + 1)
                values.append(value)
            construct_record(self._builder, node, values, target, lines, indent=ind)
        elif isinstance(node, ArrayNode):
            self._blocks(target, "[]", lines, ind)
            item = self._local()
            self._value(node.items, item, lines, ind + "        ", depth + 1)
            lines.append(f"{ind}        {target}.append({item})")
            lines.append(f"{ind}    c, i = {self._block}(b, i)")
        elif isinstance(node, MapNode):
            self._blocks(target, "{}", lines, ind)
            key, item = self._local(), self._local()
            self._primitive("string", key, lines, ind + "        ")
            self._value(node.values, item, lines, ind + "        ", depth + 1)
            lines.append(f"{ind}        {target}[{key}] = {item}")
            lines.append(f"{ind}    c, i = {self._block}(b, i)")
        else:  # pragma: no cover - the node union is closed
            raise UnsupportedSchema(f"no reader for {node!r}")

    def _blocks(self, target: str, empty: str, lines: list[str], ind: str) -> None:
        """The loop over an array's or map's blocks; the caller adds the item's lines."""
        lines.append(f"{ind}{target} = {empty}")
        lines.append(f"{ind}c, i = {self._block}(b, i)")
        lines.append(f"{ind}while c:")
        lines.append(f"{ind}    for _ in range(c):")

    def _primitive(self, avro_type: str, target: str, lines: list[str], ind: str) -> None:
        if avro_type == "long":
            lines.append(f"{ind}n = b[i]")
            lines.append(f"{ind}if n < 0x80: {target} = (n >> 1) ^ -(n & 1); i += 1")
            lines.append(f"{ind}else: {target}, i = {self._long}(b, i)")
        elif avro_type == "boolean":
            # Only 0 and 1: fastavro reads any other byte as true, so those go to fastavro.
            lines.append(f"{ind}{target} = {self._bools}[b[i]]; i += 1")
        elif avro_type in ("string", "bytes"):
            # A length byte with the low bit set is negative, with the high bit set is longer.
            lines.append(f"{ind}n = b[i]")
            lines.append(f"{ind}if n & 0x81: n, i = {self._size}(b, i)")
            lines.append(f"{ind}else: n >>= 1; i += 1")
            lines.append(f"{ind}j = i + n")
            # A truncated slice is short, leaving i past the end: the final check rejects it.
            decoded = ".decode()" if avro_type == "string" else ""
            lines.append(f"{ind}{target} = b[i:j]{decoded}; i = j")
        elif avro_type == "double":
            lines.append(f"{ind}{target} = {self._double}(b, i)[0]; i += 8")
        else:
            raise UnsupportedSchema(f"Avro type {avro_type!r}")
