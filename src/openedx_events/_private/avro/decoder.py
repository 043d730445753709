"""Avro record dicts -> event data, through functions generated once per signal.

fastavro hands over values of the schema's types, so the generated functions only rebuild
custom types and data classes. Every decoded value is kept as it came, falsy ones included.
"""

from __future__ import annotations

import inspect
import itertools
import types
from collections.abc import Callable, Iterator
from typing import Any

import attrs

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

__all__ = ["compile_decoder", "compile_flat_decoder", "construct_record"]


def compile_decoder(fields: tuple[FieldNode, ...], label: str) -> Callable[[Any], dict[str, Any]]:
    """A function mapping the Avro record of ``fields`` to a signal's keyword arguments."""
    return _DecoderBuilder(label).build(fields)


def compile_flat_decoder(
    fields: tuple[FieldNode, ...], label: str
) -> Callable[[Any], dict[str, Any]]:
    """A function mapping the record of the flat schema of ``fields`` to keyword arguments.

    The record is what fastavro reads through :func:`.schema.flat_schema`: the leaves
    of the nested record, depth first, as ``f0``, ``f1``, ...
    """
    return _DecoderBuilder(label).build_flat(fields)


class _DecoderBuilder:
    def __init__(self, label: str) -> None:
        self._builder = FunctionBuilder(f"decoder {label}")
        self._records: dict[type, str] = {}

    def build(self, fields: tuple[FieldNode, ...]) -> Callable[[Any], dict[str, Any]]:
        name = self._builder.new_name("decode_event")
        lines = [f"def {name}(d):"]
        lines += self._locals(fields)
        items = ", ".join(
            f"{field.name!r}: {self._field(field, f'a{i}')}" for i, field in enumerate(fields)
        )
        lines.append(f"    return {{{items}}}")
        self._builder.add("\n".join(lines))
        return self._builder.compile(name)

    def build_flat(self, fields: tuple[FieldNode, ...]) -> Callable[[Any], dict[str, Any]]:
        name = self._builder.new_name("decode_flat_event")
        body: list[str] = []
        leaves = itertools.count()
        records = itertools.count()
        items = ", ".join(
            f"{field.name!r}: {self._unflatten(field, leaves, records, body)}" for field in fields
        )
        count = next(leaves)
        lines = [f"def {name}(d):"]
        lines += [f"    a{i} = d['f{i}']" for i in range(count)]
        lines += body
        lines.append(f"    return {{{items}}}")
        self._builder.add("\n".join(lines))
        return self._builder.compile(name)

    def _unflatten(
        self,
        field: FieldNode,
        leaves: Iterator[int],
        records: Iterator[int],
        lines: list[str],
    ) -> str:
        """The expression of ``field``'s value, from the leaf locals ``a0``, ``a1``, ...

        An inlined record is built by lines added to ``lines``, into a local of its own.
        """
        if not field.inlinable:
            return self._field(field, f"a{next(leaves)}")
        assert isinstance(field.node, RecordNode)  # what inlinable means
        values = [self._unflatten(inner, leaves, records, lines) for inner in field.node.fields]
        target = f"r{next(records)}"
        construct_record(self._builder, field.node, values, target, lines)
        return target

    @staticmethod
    def _locals(fields: tuple[FieldNode, ...]) -> list[str]:
        # A record dict may leave out an optional field (as the reference's from_dict allows).
        return [
            f"    a{i} = d.get({check_identifier(field.name)!r})"
            if field.optional
            else f"    a{i} = d[{check_identifier(field.name)!r}]"
            for i, field in enumerate(fields)
        ]

    def _field(self, field: FieldNode, var: str) -> str:
        expression = self._expr(field.node, var, 0)
        if field.optional and expression != var:
            return f"(None if {var} is None else {expression})"
        return expression

    def _expr(self, node: Node, var: str, depth: int) -> str:
        if isinstance(node, PrimitiveNode):
            return var
        if isinstance(node, CustomNode):
            return f"{self._builder.constant(node.entry.decode, 'dec')}({var})"
        if isinstance(node, RecordNode):
            return f"{self._record(node)}({var})"
        item = f"v{depth}"
        if isinstance(node, ArrayNode):
            inner = self._expr(node.items, item, depth + 1)
            return var if inner == item else f"[{inner} for {item} in {var}]"
        if isinstance(node, MapNode):
            inner = self._expr(node.values, item, depth + 1)
            if inner == item:
                return var
            key = f"k{depth}"
            return f"{{{key}: {inner} for {key}, {item} in {var}.items()}}"
        raise TypeError(f"no decoder for {node!r}")  # pragma: no cover - the node union is closed

    def _record(self, node: RecordNode) -> str:
        name = self._records.get(node.cls)
        if name is not None:
            return name
        name = self._builder.new_name(f"decode_{node.name}_")
        self._records[node.cls] = name
        lines = [f"def {name}(d):", *self._locals(node.fields)]
        values = [self._field(field, f"a{i}") for i, field in enumerate(node.fields)]
        construct_record(self._builder, node, values, "o", lines)
        lines.append("    return o")
        self._builder.add("\n".join(lines))
        return name


def construct_record(
    builder: FunctionBuilder,
    node: RecordNode,
    values: list[str],
    target: str,
    lines: list[str],
    *,
    indent: str = "    ",
) -> None:
    """Add lines that build ``node``'s class from ``values`` (one per field) into ``target``.

    Shared with the binary reader (:mod:`.binary_read`), which builds the same objects.
    """
    cls = builder.constant(node.cls, "cls")
    setters = _slot_setters(node)
    if setters is not None:
        # Filling the slots directly skips attrs' __init__, which would only copy the values.
        new = builder.constant(object.__new__, "new")
        lines.append(f"{indent}{target} = {new}({cls})")
        for value, setter in zip(values, setters, strict=True):
            lines.append(f"{indent}{builder.constant(setter, 'set')}({target}, {value})")
        return
    positional = [
        value for field, value in zip(node.fields, values, strict=True) if not field.kw_only
    ]
    keywords = [
        f"{check_identifier(field.init_name)}={value}"
        for field, value in zip(node.fields, values, strict=True)
        if field.kw_only
    ]
    lines.append(f"{indent}{target} = {cls}({', '.join(positional + keywords)})")


def _slot_setters(node: RecordNode) -> list[Callable[[Any, Any], None]] | None:
    """The slot setters of a plain attrs class, or None when ``__init__`` does more than copy.

    Validators, converters and init hooks must run, so their classes go through ``__init__``.
    """
    cls = node.cls
    fields = attrs.fields(cls)
    slots = [slot for klass in cls.__mro__ for slot in klass.__dict__.get("__slots__", ())]
    plain = (
        "__slots__" in cls.__dict__
        and not hasattr(cls, "__attrs_post_init__")
        and not hasattr(cls, "__attrs_pre_init__")
        and not any("cached_hash" in slot for slot in slots)  # __init__ resets a cached hash
        and len(fields) == len(node.fields)
        and all(f.validator is None and f.converter is None and f.init for f in fields)
    )
    if not plain:
        return None
    descriptors = [inspect.getattr_static(cls, field.name, None) for field in fields]
    if not all(isinstance(d, types.MemberDescriptorType) for d in descriptors):
        return None
    return [descriptor.__set__ for descriptor in descriptors]
