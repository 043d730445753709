"""A uniform view of the fields of event data classes, shared by the codecs and sample data."""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = [
    "FieldPathError",
    "FieldSpec",
    "data_fields",
    "field_path_problem",
    "field_path_value",
    "is_data_class",
    "reference_field_types",
    "type_label",
]


@attrs.frozen
class FieldSpec:
    """One field of a data class, with its annotation resolved.

    ``type`` is the annotation without its ``| None``; ``optional`` tells whether the field
    defaults to ``None`` (an Avro ``["null", T]`` union on the wire).
    """

    name: str
    type: Any
    optional: bool
    has_default: bool
    default: Any


def is_data_class(annotation: Any) -> bool:
    """Whether ``annotation`` is an attrs class (a nested record on the wire)."""
    return isinstance(annotation, type) and attrs.has(annotation)


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            return members[0], True
    return annotation, False


def reference_field_types(
    cls: type,
    fields: list[attrs.Attribute],  # type: ignore[type-arg]
) -> list[attrs.Attribute]:  # type: ignore[type-arg]
    """An attrs ``field_transformer``: a field defaulting to None gets its type without ``| None``.

    The reference declares such a field ``attr.ib(type=X, default=None)``, so its
    ``attrs.fields(cls).f.type`` is ``X``; tools written against it read that. The annotation,
    which type checkers and :func:`data_fields` read, keeps the ``| None``.
    """
    return [
        field.evolve(type=_strip_none(field.type)[0]) if field.default is None else field
        for field in fields
    ]


@functools.cache
def data_fields(cls: type) -> tuple[FieldSpec, ...]:
    """The fields of data class ``cls`` in wire order (attrs order, inherited fields first)."""
    # The annotations, not Attribute.type (see reference_field_types); resolve_types would
    # overwrite the latter.
    hints = typing.get_type_hints(cls)
    specs = []
    for field in attrs.fields(cls):
        annotation, union_with_none = _strip_none(hints.get(field.name, field.type))
        has_default = field.default is not attrs.NOTHING
        specs.append(
            FieldSpec(
                name=field.name,
                type=annotation,
                optional=union_with_none or (has_default and field.default is None),
                has_default=has_default,
                default=field.default,
            )
        )
    return tuple(specs)


def type_label(annotation: Any) -> str:
    """A readable name for a field type, such as ``list[int]`` or ``CourseKey``."""
    origin = typing.get_origin(annotation)
    if origin is not None:
        args = ", ".join(type_label(arg) for arg in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    return getattr(annotation, "__name__", str(annotation))


class FieldPathError(ValueError):
    """A dotted field path leads nowhere; the message says where."""


@functools.lru_cache(maxsize=4096)
def _steps(path: str) -> tuple[str, tuple[str, ...]]:
    head, *rest = path.split(".")
    return head, tuple(rest)


def _walk(root: Mapping[str, Any], path: str, child: typing.Callable[[Any, str], Any]) -> Any:
    # The one walk of a dotted path, over types or over values: a missing name is an error
    # naming the step; a ``None`` on the way (an optional record left out) ends the walk.
    head, rest = _steps(path)
    if head not in root:
        raise FieldPathError(f"the event carries no '{head}' (it carries {', '.join(root)})")
    current = root[head]
    for part in rest:
        if current is None:
            return None
        current = child(current, part)
    return current


def _field_type(annotation: Any, part: str) -> Any:
    if not is_data_class(annotation):
        raise FieldPathError(f"'{part}' is not inside a record")
    for field in data_fields(annotation):
        if field.name == part:
            return field.type
    raise FieldPathError(f"{annotation.__name__} has no field '{part}'")


# (class, field name) pairs already known to be a field of an attrs class: keys are read on
# every event sent, so each step is checked once.
_known_steps: set[tuple[type, str]] = set()


def _field_value(value: Any, part: str) -> Any:
    cls = type(value)
    if (cls, part) not in _known_steps:
        fields = getattr(cls, "__attrs_attrs__", None)
        if fields is None:
            raise FieldPathError(f"'{part}' is not inside a record (a {cls.__name__})")
        if getattr(fields, part, None) is None:
            raise FieldPathError(f"{cls.__name__} has no field '{part}'")
        _known_steps.add((cls, part))
    return getattr(value, part)


def field_path_problem(data: Mapping[str, Any], path: str) -> str | None:
    """Why the dotted ``path`` names no field in a signal's ``data``; ``None`` when it does.

    ``data`` maps each argument to its type, as ``OpenEdxPublicSignal.init_data`` does.
    """
    try:
        _walk(data, path, _field_type)
    except FieldPathError as error:
        return str(error)
    return None


def field_path_value(event_data: Mapping[str, Any], path: str) -> Any:
    """The value at the dotted ``path`` of ``event_data``; ``None`` past a record left out.

    Raises:
        FieldPathError: the path names no field of the data.
    """
    return _walk(event_data, path, _field_value)
