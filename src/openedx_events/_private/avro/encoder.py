"""Event data -> Avro record dicts, through functions generated once per signal.

Each data class gets a function that reads its attributes, checks their types and converts
custom types, with no per-value dispatch. A value of the wrong type raises
:class:`Mismatch`; the caller then asks :mod:`.diagnose` which field is at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openedx_events._private.avro._codegen import FunctionBuilder, check_identifier
from openedx_events._private.avro.model import (
    ArrayNode,
    CustomNode,
    FieldNode,
    MapNode,
    Node,
    PrimitiveNode,
    RecordNode,
)

__all__ = ["PRIMITIVE_CHECKS", "Mismatch", "compile_encoder", "compile_flat_encoder"]


class Mismatch(TypeError):
    """A value does not fit its field (raised by generated encoders, without a path)."""


def _bad(value: Any) -> Any:
    raise Mismatch(f"unexpected value {value!r}")


def _long(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise Mismatch(f"expected an int, got {value!r}")


def _double(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise Mismatch(f"expected a float, got {value!r}")


def _string(value: Any) -> str:
    if isinstance(value, str):
        return str(value)
    raise Mismatch(f"expected a str, got {value!r}")


def _bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise Mismatch(f"expected bytes, got {value!r}")


# For each primitive: the exact class that needs no conversion, and the fallback that
# converts subclasses (an IntEnum, a str subclass) or rejects the value.
PRIMITIVE_CHECKS: dict[str, tuple[type, Callable[[Any], Any]]] = {
    "long": (int, _long),
    "double": (float, _double),
    "string": (str, _string),
    "bytes": (bytes, _bytes),
    "boolean": (bool, _bad),
}


def compile_encoder(
    fields: tuple[FieldNode, ...], label: str
) -> Callable[[Mapping[str, Any]], Any]:
    """A function mapping a signal's keyword arguments to the Avro record of ``fields``."""
    return _EncoderBuilder(label).build(fields)


def compile_flat_encoder(
    fields: tuple[FieldNode, ...], label: str
) -> Callable[[Mapping[str, Any]], Any]:
    """A function mapping a signal's keyword arguments to the record of its flat schema.

    The record fills :func:`.schema.flat_schema`: the leaves of the nested record,
    depth first, as ``f0``, ``f1``, ...
    """
    return _EncoderBuilder(label).build_flat(fields)


class _EncoderBuilder:
    def __init__(self, label: str) -> None:
        self._builder = FunctionBuilder(f"encoder {label}")
        self._records: dict[type, str] = {}
        self._bad = self._builder.constant(_bad, "bad")

    def build(self, fields: tuple[FieldNode, ...]) -> Callable[[Mapping[str, Any]], Any]:
        name = self._builder.new_name("encode_event")
        lines = [f"def {name}(d):", f"    if len(d) != {len(fields)}: {self._bad}(d)"]
        lines += [
            f"    a{i} = d[{check_identifier(field.name)!r}]" for i, field in enumerate(fields)
        ]
        lines.append(self._return(fields))
        self._builder.add("\n".join(lines))
        return self._builder.compile(name)

    def build_flat(self, fields: tuple[FieldNode, ...]) -> Callable[[Mapping[str, Any]], Any]:
        name = self._builder.new_name("encode_flat_event")
        lines = [f"def {name}(d):", f"    if len(d) != {len(fields)}: {self._bad}(d)"]
        leaves: list[str] = []
        for i, field in enumerate(fields):
            lines.append(f"    a{i} = d[{check_identifier(field.name)!r}]")
            self._flatten(field, f"a{i}", lines, leaves)
        items = ", ".join(f"'f{i}': {leaf}" for i, leaf in enumerate(leaves))
        lines.append(f"    return {{{items}}}")
        self._builder.add("\n".join(lines))
        return self._builder.compile(name)

    def _flatten(self, field: FieldNode, var: str, lines: list[str], leaves: list[str]) -> None:
        """Add the leaf expressions of ``field`` (held in ``var``), reading inlined records."""
        if not field.inlinable:
            leaves.append(self._field(field, var))
            return
        assert isinstance(field.node, RecordNode)  # what inlinable means
        cls = self._builder.constant(field.node.cls, "cls")
        lines.append(f"    if not isinstance({var}, {cls}): {self._bad}({var})")
        for i, inner in enumerate(field.node.fields):
            inner_var = f"{var}_{i}"
            lines.append(f"    {inner_var} = {var}.{check_identifier(inner.name)}")
            self._flatten(inner, inner_var, lines, leaves)

    def _return(self, fields: tuple[FieldNode, ...]) -> str:
        items = ", ".join(
            f"{field.name!r}: {self._field(field, f'a{i}')}" for i, field in enumerate(fields)
        )
        return f"    return {{{items}}}"

    def _field(self, field: FieldNode, var: str) -> str:
        expression = self._expr(field.node, var, 0)
        if field.optional:
            return f"(None if {var} is None else {expression})"
        return expression

    def _expr(self, node: Node, var: str, depth: int) -> str:
        if isinstance(node, PrimitiveNode):
            exact, fallback = PRIMITIVE_CHECKS[node.avro_type]
            return (
                f"({var} if {var}.__class__ is {self._builder.constant(exact, 't')} "
                f"else {self._builder.constant(fallback, 'f')}({var}))"
            )
        if isinstance(node, CustomNode):
            encode = self._builder.constant(node.entry.encode, "enc")
            instance_of = self._builder.constant(node.entry.instance_of, "t")
            return f"({encode}({var}) if isinstance({var}, {instance_of}) else {self._bad}({var}))"
        if isinstance(node, RecordNode):
            return f"{self._record(node)}({var})"
        item = f"v{depth}"
        if isinstance(node, ArrayNode):
            inner = self._expr(node.items, item, depth + 1)
            return (
                f"([{inner} for {item} in {var}] "
                f"if isinstance({var}, (list, tuple)) else {self._bad}({var}))"
            )
        if isinstance(node, MapNode):
            inner = self._expr(node.values, item, depth + 1)
            key = f"k{depth}"
            return (
                f"({{{key}: {inner} for {key}, {item} in {var}.items()}} "
                f"if isinstance({var}, dict) else {self._bad}({var}))"
            )
        raise TypeError(f"no encoder for {node!r}")  # pragma: no cover - the node union is closed

    def _record(self, node: RecordNode) -> str:
        name = self._records.get(node.cls)
        if name is not None:
            return name
        name = self._builder.new_name(f"encode_{node.name}_")
        self._records[node.cls] = name
        cls = self._builder.constant(node.cls, "cls")
        lines = [f"def {name}(o):", f"    if not isinstance(o, {cls}): {self._bad}(o)"]
        lines += [
            f"    a{i} = o.{check_identifier(field.name)}" for i, field in enumerate(node.fields)
        ]
        lines.append(self._return(node.fields))
        self._builder.add("\n".join(lines))
        return name
