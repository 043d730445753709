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
    LibraryCollectionLocator,
    LibraryContainerLocator,
    LibraryLocatorV2,
    LibraryUsageLocatorV2,
)

__all__ = ["CustomType", "custom_type_for", "register_custom_type", "registered_custom_types"]

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


def custom_type_for(annotation: Any) -> CustomType | None:
    """The entry that serves ``annotation``, or ``None`` if it is not a custom type."""
    with _lock:
        entry = _registry.get(annotation)
        if entry is not None:
            return entry
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
    for key_type in (
        CourseKey,
        UsageKey,
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
