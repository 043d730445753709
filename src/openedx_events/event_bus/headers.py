"""Event metadata <-> event bus headers, for the Redis stream fields and Kafka's CloudEvents.

Redis entries carry ``type, id, source, time, minorversion, sourcehost, sourcelib``; Kafka
messages carry the CloudEvents binary-mode headers ``ce_specversion, ce_type, ce_id,
ce_source, ce_time, ce_minorversion`` plus ``content-type``, ``ce_datacontenttype``,
``sourcehost`` and ``sourcelib``. Every value is text (UTF-8 bytes on the wire).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Literal
from uuid import UUID

from openedx_events._private.metadata import (
    CLOUDEVENTS_SPEC_VERSION,
    EventsMetadata,
    metadata_from_checked_fields,
)
from openedx_events.exceptions import EventDeserializationError

__all__ = [
    "AVRO_CONTENT_TYPE",
    "KAFKA_FIXED_HEADERS",
    "HeaderStyle",
    "metadata_from_headers",
    "metadata_header_names",
    "metadata_to_headers",
    "restyle_headers",
]

AVRO_CONTENT_TYPE = "application/avro"

HeaderStyle = Literal["redis", "kafka"]

# metadata attribute -> header name, per style, in the order the headers are written.
_NAMES: dict[str, dict[str, str]] = {
    "redis": {
        "event_type": "type",
        "id": "id",
        "source": "source",
        "time": "time",
        "minorversion": "minorversion",
        "sourcehost": "sourcehost",
        "sourcelib": "sourcelib",
    },
    "kafka": {
        "event_type": "ce_type",
        "id": "ce_id",
        "source": "ce_source",
        "time": "ce_time",
        "minorversion": "ce_minorversion",
        "sourcehost": "sourcehost",
        "sourcelib": "sourcelib",
    },
}
# Headers with one allowed value, written first on Kafka and checked when present.
_KAFKA_FIXED = {
    "ce_specversion": CLOUDEVENTS_SPEC_VERSION,
    "content-type": AVRO_CONTENT_TYPE,
    "ce_datacontenttype": AVRO_CONTENT_TYPE,
}


KAFKA_FIXED_HEADERS = MappingProxyType(_KAFKA_FIXED)


def restyle_headers(
    headers: Mapping[str, str], *, source: HeaderStyle, target: HeaderStyle
) -> dict[str, str]:
    """``headers`` with each metadata header renamed from one style to the other.

    Other headers (dead-letter headers, say) keep their names; the fixed Kafka headers are
    neither added nor removed.
    """
    renames = _renames(source, target)
    return {renames.get(name, name): value for name, value in headers.items()}


@functools.cache
def _renames(source: str, target: str) -> dict[str, str]:
    return {old: _names(target)[field] for field, old in _names(source).items()}


def metadata_header_names(style: HeaderStyle) -> tuple[str, ...]:
    """The names of the metadata headers of ``style``, in the order they are written."""
    return tuple(_names(style).values())


def _names(style: str) -> dict[str, str]:
    try:
        return _NAMES[style]
    except KeyError:
        raise ValueError(f"header style must be 'redis' or 'kafka', got {style!r}") from None


def metadata_to_headers(metadata: EventsMetadata, *, style: HeaderStyle) -> dict[str, str]:
    """The bus headers that carry ``metadata``, as text."""
    names = _names(style)
    headers = dict(_KAFKA_FIXED) if style == "kafka" else {}
    headers[names["event_type"]] = metadata.event_type
    headers[names["id"]] = str(metadata.id)
    headers[names["source"]] = metadata.source
    headers[names["time"]] = metadata.time.isoformat()
    headers[names["minorversion"]] = str(metadata.minorversion)
    headers[names["sourcehost"]] = metadata.sourcehost
    headers[names["sourcelib"]] = ".".join(str(part) for part in metadata.sourcelib)
    return headers


def metadata_from_headers(
    headers: Mapping[str, str | bytes] | Mapping[bytes, bytes], *, style: HeaderStyle
) -> EventsMetadata:
    """The metadata carried by bus ``headers`` (names and values as text or UTF-8 bytes).

    Raises:
        EventDeserializationError: a header is missing or malformed; ``field`` names it.
    """
    names = _names(style)
    text = _as_text(headers)
    event_type = text.get(names["event_type"], "")
    reader = _HeaderReader(text, event_type)
    if style == "kafka":
        for name, expected in _KAFKA_FIXED.items():
            if name in text and text[name] != expected:
                raise reader.error(name, f"must be {expected!r}, got {text[name]!r}")
    # Every value is checked by the reader, so attrs' validators need not check them again.
    return metadata_from_checked_fields(
        {
            "event_type": reader.required(names["event_type"]),
            "id": reader.uuid(names["id"]),
            "minorversion": reader.integer(names["minorversion"]),
            "source": reader.required(names["source"]),
            "sourcehost": reader.required(names["sourcehost"]),
            "time": reader.time(names["time"]),
            "sourcelib": reader.version(names["sourcelib"]),
        }
    )


def _as_text(headers: Mapping[str, str | bytes] | Mapping[bytes, bytes]) -> dict[str, str]:
    text: dict[str, str] = {}
    for name, value in headers.items():
        if type(name) is str and type(value) is str:  # text already (most buses give text)
            text[name] = value
        else:
            key = _decode(name, "header names", "")
            text[key] = _decode(value, key, "")
    return text


def _decode(value: object, field: str, event_type: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as error:
            raise EventDeserializationError(event_type, "not UTF-8 text", field=field) from error
    raise EventDeserializationError(
        event_type, f"expected text, got {type(value).__name__}", field=field
    )


class _HeaderReader:
    def __init__(self, headers: dict[str, str], event_type: str) -> None:
        self.headers = headers
        self.event_type = event_type

    def error(self, name: str, message: str) -> EventDeserializationError:
        return EventDeserializationError(self.event_type, message, field=name)

    def required(self, name: str) -> str:
        value = self.headers.get(name)
        if value is None:
            raise self.error(name, "missing header")
        if not value:
            raise self.error(name, "empty header")
        return value

    def uuid(self, name: str) -> UUID:
        value = self.required(name)
        try:
            return UUID(value)
        except ValueError as error:
            raise self.error(name, f"not a UUID: {value!r}") from error

    def integer(self, name: str) -> int:
        value = self.required(name)
        if not value.isascii() or not value.isdigit():
            raise self.error(name, f"not a non-negative integer: {value!r}")
        return int(value)

    def time(self, name: str) -> datetime:
        value = self.required(name)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise self.error(name, f"not an ISO 8601 time: {value!r}") from error
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise self.error(name, f"the time has no UTC offset: {value!r}")
        return moment.astimezone(UTC)

    def version(self, name: str) -> tuple[int, ...]:
        value = self.required(name)
        version = _parse_version(value)
        if version is None:
            raise self.error(name, f"not a dotted version like 11.2.0: {value!r}")
        return version


@functools.lru_cache(maxsize=64)  # a bus carries the versions of a few libraries only
def _parse_version(value: str) -> tuple[int, ...] | None:
    parts = value.split(".")
    if not all(part.isascii() and part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)
