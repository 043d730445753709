"""An event's data as rows of a table: every field, nested records expanded in place."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

import attrs

from openedx_events._private.fields import data_fields, is_data_class, type_label

__all__ = ["FieldRow", "field_rows"]


@attrs.frozen
class FieldRow:
    """One field of an event's data.

    ``path`` is its dotted path from the signal argument (``enrollment.user.pii.username``),
    with ``[]`` after a list and ``{}`` after a map whose items are records; ``depth`` is the
    number of records it is nested in. ``default`` is the ``repr`` of a non-``None`` default.
    """

    path: str
    depth: int
    type: str
    optional: bool
    default: str | None = None
    record: str | None = None  # the first line of the docstring of a record-typed field


def field_rows(init_data: Mapping[str, type]) -> tuple[FieldRow, ...]:
    """Rows for the signal arguments, each followed by its fields, depth first."""
    rows: list[FieldRow] = []
    for argument, cls in init_data.items():
        rows.append(FieldRow(argument, 0, cls.__name__, False, record=_summary(cls)))
        _add_fields(rows, cls, argument, 1, (cls,))
    return tuple(rows)


def _add_fields(
    rows: list[FieldRow], cls: type, prefix: str, depth: int, seen: tuple[type, ...]
) -> None:
    for field in data_fields(cls):
        path = f"{prefix}.{field.name}"
        nested, suffix = _nested_record(field.type)
        default = None
        if field.has_default and field.default is not None:
            default = _default_text(field.default)
        rows.append(
            FieldRow(
                path,
                depth,
                type_label(field.type),
                field.optional,
                default,
                _summary(nested) if nested is not None else None,
            )
        )
        if nested is not None and nested not in seen:
            _add_fields(rows, nested, path + suffix, depth + 1, (*seen, nested))


def _nested_record(annotation: Any) -> tuple[type | None, str]:
    """The record class a field holds, directly, as list items or as map values."""
    if is_data_class(annotation):
        return annotation, ""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, tuple, set, frozenset) and args and is_data_class(args[0]):
        return args[0], "[]"
    if origin is dict and len(args) == 2 and is_data_class(args[1]):
        return args[1], "{}"
    return None, ""


def _default_text(default: Any) -> str:
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs' own class
        return repr(default.factory())
    return repr(default)


def _summary(cls: type) -> str | None:
    doc = cls.__doc__
    if not doc or doc.startswith(f"{cls.__name__}("):  # attrs' generated signature
        return None
    return doc.strip().splitlines()[0]
