"""Checking a JSON payload against an event's data classes, naming the first field at fault.

The wire decoder rebuilds data from a well-formed Avro record; this check runs first so that a
hand-written payload gets an error such as ``enrollment.user.id: expected an integer``.

In JSON, Avro ``bytes`` are written as Avro's JSON encoding does: a string whose code points
0-255 are the bytes.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from openedx_events._private.avro.custom_types import custom_type_for
from openedx_events._private.fields import data_fields, is_data_class, type_label

__all__ = ["PayloadError", "avro_record_from_json", "avro_record_to_json"]


class PayloadError(ValueError):
    """A JSON payload does not fit the event's data; ``path`` names the field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


_PRIMITIVES: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    float: (int, float),
    bool: (bool,),
}
_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


def avro_record_from_json(init_data: Mapping[str, type], document: Any) -> dict[str, Any]:
    """Check ``document`` (the signal's arguments as JSON) and return it as an Avro record.

    Raises:
        PayloadError: the first problem found, with the dotted path of its field.
    """
    return _record(dict(init_data), document, "", is_signal=True)


def avro_record_to_json(value: Any) -> Any:
    """An Avro record with its ``bytes`` values written as JSON strings."""
    if isinstance(value, dict):
        return {key: avro_record_to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [avro_record_to_json(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


def _record(
    fields: dict[str, Any], value: Any, path: str, *, is_signal: bool = False
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(path, f"expected a JSON object, got {_json_kind(value)}")
    unexpected = sorted(set(value) - set(fields))
    if unexpected:
        raise PayloadError(
            _join(path, unexpected[0]),
            "unexpected field; expected " + ", ".join(repr(name) for name in fields),
        )
    record = {}
    for name, annotation in fields.items():
        where = _join(path, name)
        if name not in value:
            if not is_signal and _has_default(annotation):
                continue
            raise PayloadError(where, f"missing (expected {_describe(annotation)})")
        record[name] = _value(annotation, value[name], where)
    return record


def _has_default(marker: Any) -> bool:
    return isinstance(marker, _Field) and marker.has_default


class _Field:
    """A data class field: its type, and whether it may be left out or be null."""

    def __init__(self, annotation: Any, optional: bool, has_default: bool) -> None:
        self.annotation = annotation
        self.optional = optional
        self.has_default = has_default


def _fields_of(cls: type) -> dict[str, Any]:
    return {
        spec.name: _Field(spec.type, spec.optional, spec.has_default) for spec in data_fields(cls)
    }


def _describe(annotation: Any) -> str:
    if isinstance(annotation, _Field):
        annotation = annotation.annotation
    return _NAMES.get(annotation, type_label(annotation))


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false"}.get(
        type(value), f"{type(value).__name__} {value!r}"
    )


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _value(annotation: Any, value: Any, path: str) -> Any:
    if isinstance(annotation, _Field):
        if value is None and annotation.optional:
            return None
        annotation = annotation.annotation
    if value is None:
        raise PayloadError(path, f"null is not allowed here (expected {_describe(annotation)})")
    if is_data_class(annotation):
        return _record(_fields_of(annotation), value, path)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list:
        if not isinstance(value, list):
            raise PayloadError(path, f"expected an array, got {_json_kind(value)}")
        return [_value(args[0], item, f"{path}[{index}]") for index, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise PayloadError(path, f"expected an object, got {_json_kind(value)}")
        return {key: _value(args[1], item, f"{path}.{key}") for key, item in value.items()}
    if annotation in _PRIMITIVES:
        accepted = _PRIMITIVES[annotation]
        if not isinstance(value, accepted) or (annotation is not bool and isinstance(value, bool)):
            raise PayloadError(path, f"expected {_describe(annotation)}, got {_json_kind(value)}")
        return value
    return _custom(annotation, value, path)


def _custom(annotation: Any, value: Any, path: str) -> Any:
    custom = custom_type_for(annotation)
    if custom is None:
        raise PayloadError(path, f"{type_label(annotation)} cannot be given as JSON")
    if not isinstance(value, str):
        raise PayloadError(
            path, f"expected a {type_label(annotation)} string, got {_json_kind(value)}"
        )
    if custom.avro_type == "bytes":
        try:
            return value.encode("latin-1")
        except UnicodeEncodeError as error:
            raise PayloadError(path, "bytes are written as characters U+0000 to U+00FF") from error
    try:
        custom.decode(value)
    except Exception as error:  # any parse failure is reported against this field
        raise PayloadError(
            path, f"{value!r} is not a valid {type_label(annotation)} ({error})"
        ) from error
    return value
