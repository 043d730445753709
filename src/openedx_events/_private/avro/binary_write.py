"""Event data -> schemaless Avro bytes, by a writer generated once per signal.

The generated writer reads the data classes' attributes and appends each value's Avro
encoding to one bytearray: the bytes fastavro writes for the record of
:func:`.encoder.compile_flat_encoder` (the tests check it byte for byte), without building
that record or calling a file object per value. It takes the values that encoder takes, with
the same conversions (an ``IntEnum`` written as its int, a ``str`` subclass as its ``str``);
anything else (a dict where a data class is expected, a long outside 64 bits, a string with
a lone surrogate, which has no UTF-8) raises, and the caller then goes through the encoder
and fastavro, the codec of record, which gives today's bytes or today's typed error.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable, Mapping
from typing import Any

from openedx_events._private.avro._codegen import FunctionBuilder, check_identifier
from openedx_events._private.avro.binary_read import MAX_DEPTH, UnsupportedSchema
from openedx_events._private.avro.encoder import PRIMITIVE_CHECKS, Mismatch
from openedx_events._private.avro.model import (
    ArrayNode,
    CustomNode,
    FieldNode,
    MapNode,
    Node,
    PrimitiveNode,
    RecordNode,
)

__all__ = ["compile_writer", "long_bytes"]

_MIN_LONG, _MAX_LONG = -(2**63), 2**63 - 1
# The varints of zig-zag values below 1024 (longs from -512 to 511), and of lengths up to 511.
_SMALL = tuple(bytes([n]) if n < 0x80 else bytes([(n & 0x7F) | 0x80, n >> 7]) for n in range(1024))
_LENGTHS = tuple(_SMALL[2 * n] for n in range(512))


def long_bytes(value: int) -> bytes:
    """The zig-zag varint of ``value``; OverflowError outside Avro's signed 64 bits."""
    if not _MIN_LONG <= value <= _MAX_LONG:
        raise OverflowError(f"{value} is out of the range of an Avro long")
    n = (value << 1) ^ (value >> 63)
    if n < 1024:
        return _SMALL[n]
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _bad(value: Any) -> Any:
    raise Mismatch(f"unexpected value {value!r}")


def compile_writer(
    fields: tuple[FieldNode, ...], label: str
) -> Callable[[Mapping[str, Any]], bytes]:
    """A function writing a signal's keyword arguments as the schemaless Avro bytes of ``fields``.

    Raises:
        UnsupportedSchema: a type (a custom type's Avro type, say) the writer does not handle.
    """
    return _WriterBuilder(label).build(fields)


class _WriterBuilder:
    def __init__(self, label: str) -> None:
        self._builder = FunctionBuilder(f"binary writer {label}")
        self._names = itertools.count()
        self._bad = self._builder.constant(_bad, "bad")
        self._long = self._builder.constant(long_bytes, "wlong")
        self._lengths = self._builder.constant(_LENGTHS, "lengths")
        self._double = self._builder.constant(struct.Struct("<d").pack, "wdouble")

    def build(self, fields: tuple[FieldNode, ...]) -> Callable[[Mapping[str, Any]], bytes]:
        name = self._builder.new_name("write_event")
        lines = [
            f"def {name}(d):",
            f"    if len(d) != {len(fields)}: {self._bad}(d)",
            "    o = bytearray()",
        ]
        for field in fields:
            value = self._local()
            lines.append(f"    {value} = d[{check_identifier(field.name)!r}]")
            self._field(field, value, lines, "    ", 0)
        lines.append("    return bytes(o)")
        self._builder.add("\n".join(lines))
        return self._builder.compile(name)

    def _local(self) -> str:
        return f"x{next(self._names)}"

    def _field(self, field: FieldNode, var: str, lines: list[str], ind: str, depth: int) -> None:
        if not field.optional:
            self._value(field.node, var, lines, ind, depth)
            return
        # ["null", X]: fastavro picks null for None and X for anything else (checked below).
        lines.append(f"{ind}if {var} is None: o += b'\\x00'")
        lines.append(f"{ind}else:")
        lines.append(f"{ind}    o += b'\\x02'")
        self._value(field.node, var, lines, ind + "    ", depth)

    def _value(self, node: Node, var: str, lines: list[str], ind: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise UnsupportedSchema("records nested too deep")
        if isinstance(node, PrimitiveNode):
            self._primitive(node.avro_type, var, lines, ind, convert=True)
        elif isinstance(node, CustomNode):
            instance_of = self._builder.constant(node.entry.instance_of, "t")
            encode = self._builder.constant(node.entry.encode, "enc")
            raw = self._local()
            lines.append(f"{ind}if not isinstance({var}, {instance_of}): {self._bad}({var})")
            lines.append(f"{ind}{raw} = {encode}({var})")
            # What fastavro is given here is the encoder's result as it is: only the exact
            # type is written here, so a subclass's bytes stay fastavro's business.
            self._primitive(node.entry.avro_type, raw, lines, ind, convert=False)
        elif isinstance(node, RecordNode):
            cls = self._builder.constant(node.cls, "cls")
            lines.append(f"{ind}if not isinstance({var}, {cls}): {self._bad}({var})")
            for field in node.fields:
                value = self._local()
                lines.append(f"{ind}{value} = {var}.{check_identifier(field.name)}")
                self._field(field, value, lines, ind, depth + 1)
        elif isinstance(node, ArrayNode):
            item = self._local()
            lines.append(f"{ind}if not isinstance({var}, (list, tuple)): {self._bad}({var})")
            # fastavro writes one block holding every item, then the empty block.
            lines.append(f"{ind}if {var}:")
            lines.append(f"{ind}    o += {self._long}(len({var}))")
            lines.append(f"{ind}    for {item} in {var}:")
            self._value(node.items, item, lines, ind + "        ", depth + 1)
            lines.append(f"{ind}o += b'\\x00'")
        elif isinstance(node, MapNode):
            key, item = self._local(), self._local()
            lines.append(f"{ind}if not isinstance({var}, dict): {self._bad}({var})")
            lines.append(f"{ind}if {var}:")
            lines.append(f"{ind}    o += {self._long}(len({var}))")
            lines.append(f"{ind}    for {key}, {item} in {var}.items():")
            self._primitive("string", key, lines, ind + "        ", convert=False)
            self._value(node.values, item, lines, ind + "        ", depth + 1)
            lines.append(f"{ind}o += b'\\x00'")
        else:  # pragma: no cover - the node union is closed
            raise UnsupportedSchema(f"no writer for {node!r}")

    def _primitive(
        self, avro_type: str, var: str, lines: list[str], ind: str, convert: bool
    ) -> None:
        """Lines appending ``var``'s encoding, after the encoder's conversion if ``convert``.

        Without ``convert``, a value not exactly of the type's Python class raises.
        """
        if avro_type == "boolean":
            # Only True and False: fastavro would write any truthy value as true.
            lines.append(
                f"{ind}o += b'\\x01' if {var} is True else "
                f"b'\\x00' if {var} is False else {self._bad}({var})"
            )
            return
        # A custom type's Avro type may be anything (a named or logical type, a dict).
        if not isinstance(avro_type, str) or avro_type not in PRIMITIVE_CHECKS:
            raise UnsupportedSchema(f"Avro type {avro_type!r}")
        exact, converter = PRIMITIVE_CHECKS[avro_type]
        exact_name = self._builder.constant(exact, "type")
        fallback = self._builder.constant(converter if convert else _bad, "conv")
        value = f"({var} if {var}.__class__ is {exact_name} else {fallback}({var}))"
        if avro_type == "long":
            lines.append(f"{ind}o += {self._long}{value}")
        elif avro_type == "double":
            lines.append(f"{ind}o += {self._double}{value}")
        else:  # string or bytes: a long length, then the bytes
            data = self._local()
            encoded = ".encode()" if avro_type == "string" else ""
            lines.append(f"{ind}{data} = {value}{encoded}")
            lines.append(f"{ind}n = len({data})")
            lines.append(f"{ind}o += {self._lengths}[n] if n < 512 else {self._long}(n)")
            lines.append(f"{ind}o += {data}")
