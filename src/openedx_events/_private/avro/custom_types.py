"""The one place that maps non-Avro Python types (keys, datetimes, UUIDs, streams) to Avro.

Each :class:`CustomType` names the Avro type a value travels as and the two conversions.
Lookups walk the annotation's MRO, so registering a base class covers its subclasses; any
opaque key class not registered itself travels as its string and is parsed back with its own
``from_string``.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, BinaryIO
from uuid import UUID

import attrs
from ccx_keys.locator import CCXLocator
from opaque_keys import OpaqueKey
from opaque_keys.edx.keys import CourseKey, UsageKey
from opaque_keys.edx.locator import (
    BlockUsageLocator,
    CourseLocator,
    LibraryCollectionLocator,
    LibraryContainerLocator,
    LibraryLocatorV2,
    LibraryUsageLocatorV2,
)

__all__ = [
    "CustomType",
    "course_key_string",
    "custom_type_for",
    "register_custom_type",
    "registered_custom_types",
    "usage_key_string",
]

# Parsed keys are immutable value objects, so a parse can be shared by every event that
# carries the same string; this cache bounds the memory that sharing costs.
_KEY_CACHE_SIZE = 8192


@attrs.frozen
class CustomType:
    """How one Python type travels on the wire.

    Attributes:
        python_type: the annotation this entry serves.
        avro_type: the Avro type written, such as ``"string"`` or ``"bytes"``.
        encode: Python value -> Avro value.
        decode: Avro value -> Python value.
        instance_of: what an encoded value must be an instance of (``python_type`` by default).
    """

    python_type: Any
    avro_type: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]
    instance_of: type | tuple[type, ...]


def _cached_parser(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return functools.lru_cache(maxsize=_KEY_CACHE_SIZE)(parse)


def _stream_bytes(stream: Any) -> bytes:
    # A BytesIO hands over its buffer untouched; any other seekable stream is read whole and
    # put back where it was, so encoding an event does not consume the caller's stream.
    if isinstance(stream, io.BytesIO):
        return stream.getvalue()
    if stream.seekable():
        position = stream.tell()
        stream.seek(0)
        try:
            data = stream.read()
        finally:
            stream.seek(position)
        return bytes(data)
    return bytes(stream.read())


# The two keys most events carry, in their usual form (no branch, no version, not the
# deprecated slash format), are formatted here directly: str() builds them through several
# method calls and a join, the largest cost in encoding an event that carries them. Any
# other form, and every subclass, goes through str().
_COURSE_PREFIX = f"{CourseLocator.CANONICAL_NAMESPACE}:"
_BLOCK_PREFIX = f"{BlockUsageLocator.CANONICAL_NAMESPACE}:"
_BLOCK_TYPE = f"+{BlockUsageLocator.BLOCK_TYPE_PREFIX}@"
_BLOCK_ID = f"+{BlockUsageLocator.BLOCK_PREFIX}@"


def _is_plain_course(key: Any) -> bool:
    return (
        key.__class__ is CourseLocator
        and key.branch is None
        and key.version_guid is None
        and not key.deprecated
    )


def course_key_string(key: CourseKey) -> str:
    """``str(key)``, formatted directly for a plain ``course-v1`` key."""
    if _is_plain_course(key):
        return f"{_COURSE_PREFIX}{key.org}+{key.course}+{key.run}"
    return str(key)


def usage_key_string(key: UsageKey) -> str:
    """``str(key)``, formatted directly for a ``block-v1`` key of a plain course."""
    if key.__class__ is BlockUsageLocator:
        course = key.course_key
        if _is_plain_course(course):
            return (
                f"{_BLOCK_PREFIX}{course.org}+{course.course}+{course.run}"
                f"{_BLOCK_TYPE}{key.block_type}{_BLOCK_ID}{key.block_id}"
            )
    return str(key)


_lock = threading.Lock()
_registry: dict[Any, CustomType] = {}


def register_custom_type(
    python_type: Any,
    avro_type: str,
    encode: Callable[[Any], Any],
    decode: Callable[[Any], Any],
    *,
    instance_of: type | tuple[type, ...] | None = None,
) -> CustomType:
    """Make ``python_type`` usable in event data classes; return its entry.

    Register before the first event of a signal that uses the type is encoded: codecs are
    built once per signal and keep the conversions they were built with.
    """
    checked = instance_of if instance_of is not None else python_type
    if not isinstance(checked, (type, tuple)):
        raise TypeError(f"instance_of must be a type or tuple of types, got {checked!r}")
    entry = CustomType(python_type, avro_type, encode, decode, checked)
    with _lock:
        _registry[python_type] = entry
    return entry


def registered_custom_types() -> list[CustomType]:
    """Every registered entry, in registration order."""
    with _lock:
        return list(_registry.values())


def custom_type_for(annotation: Any, extra: tuple[CustomType, ...] = ()) -> CustomType | None:
    """The entry that serves ``annotation``, or ``None`` if it is not a custom type.

    ``extra`` entries (a serializer's own custom types) come before the registry's.
    """
    if extra:
        for base in getattr(annotation, "__mro__", (annotation,)):
            for entry in extra:
                if entry.python_type is base:
                    return entry
    with _lock:
        found = _registry.get(annotation)
        if found is not None:
            return found
        mro = getattr(annotation, "__mro__", ())
        if isinstance(annotation, type) and issubclass(annotation, OpaqueKey):
            # A key class has its own parser, which knows its concrete subclasses.
            entry = CustomType(
                annotation, "string", str, _cached_parser(annotation.from_string), annotation
            )
            _registry[annotation] = entry
            return entry
        for base in mro[1:]:
            if base in _registry:
                return _registry[base]
    return None


def _register_defaults() -> None:
    register_custom_type(
        CourseKey, "string", course_key_string, _cached_parser(CourseKey.from_string)
    )
    register_custom_type(UsageKey, "string", usage_key_string, _cached_parser(UsageKey.from_string))
    for key_type in (
        CCXLocator,
        LibraryLocatorV2,
        LibraryUsageLocatorV2,
        LibraryCollectionLocator,
        LibraryContainerLocator,
    ):
        register_custom_type(key_type, "string", str, _cached_parser(key_type.from_string))
    register_custom_type(datetime, "string", datetime.isoformat, datetime.fromisoformat)
    register_custom_type(UUID, "string", str, UUID)
    register_custom_type(BinaryIO, "bytes", _stream_bytes, io.BytesIO, instance_of=io.IOBase)


_register_defaults()
