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
from types import MappingProxyType, MemberDescriptorType
from typing import Any, Literal
from uuid import UUID, SafeUUID

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
    "metadata_from_text_headers",
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
    headers[names["sourcelib"]] = _version_text(metadata.sourcelib)
    return headers


# The last version written and its text: most events carry the very tuple of this library.
_last_version: list[tuple[tuple[int, ...], str]] = [((), "")]


def _version_text(version: tuple[int, ...]) -> str:
    last = _last_version[0]
    if version is last[0]:
        return last[1]
    text = ".".join(str(part) for part in version)
    # Only a tuple of ints cannot change its text later; kept by identity, never by equality
    # (a tuple holding 11.0 equals one holding 11 and writes otherwise).
    if all(type(part) is int for part in version):
        _last_version[0] = (version, text)
    return text


def metadata_from_headers(
    headers: Mapping[str, str | bytes] | Mapping[bytes, bytes], *, style: HeaderStyle
) -> EventsMetadata:
    """The metadata carried by bus ``headers`` (names and values as text or UTF-8 bytes).

    Raises:
        EventDeserializationError: a header is missing or malformed; ``field`` names it.
    """
    metadata = _metadata_from_text(_as_text(headers), _names(style), style)
    assert metadata is not None  # only a text_only read gives up
    return metadata


def metadata_from_text_headers(headers: Mapping[str, str], *, style: HeaderStyle) -> EventsMetadata:
    """:func:`metadata_from_headers` of headers that are text, as a bus record's are.

    The consumer's hot path: the headers are neither copied nor converted. Headers that are
    not text after all go through :func:`metadata_from_headers`.
    """
    names = _names(style)
    metadata = _metadata_from_text(headers, names, style, text_only=True)
    return metadata if metadata is not None else metadata_from_headers(headers, style=style)


def _metadata_from_text(
    text: Mapping[str, str], names: dict[str, str], style: str, *, text_only: bool = False
) -> EventsMetadata | None:
    """The metadata; ``None`` if ``text_only`` and a header it reads is not ``str``."""
    get = text.get
    if style == "kafka":
        for name, expected in _KAFKA_FIXED.items():
            value = get(name)
            if value is not None and value != expected:
                if text_only and type(value) is not str:
                    return None
                reader = _HeaderReader(text, get(names["event_type"], ""))
                raise reader.error(name, f"must be {expected!r}, got {value!r}")
    # The headers every event of one producer and type repeats, checked and parsed once.
    repeated = (
        get(names["event_type"]),
        get(names["minorversion"]),
        get(names["source"]),
        get(names["sourcehost"]),
        get(names["sourcelib"]),
    )
    raw_id = get(names["id"])
    raw_time = get(names["time"])
    known = _repeated_values.get(repeated)  # found: those five are the text they were
    if text_only and not (
        (raw_id is None or type(raw_id) is str)
        and (raw_time is None or type(raw_time) is str)
        and (known is not None or all(v is None or type(v) is str for v in repeated))
    ):
        return None
    if known is None:
        # Checked in header order, as one reader, so the first bad header is the one named.
        return _read_all(text, names, repeated)
    event_type, minorversion, source, sourcehost, sourcelib = known
    event_id = _fast_uuid(raw_id)
    if event_id is None:  # another form, or not a UUID: the reader parses or names the fault
        event_id = _HeaderReader(text, event_type).uuid(names["id"])
    moment = _fast_time(raw_time)
    if moment is None:
        moment = _HeaderReader(text, event_type).time(names["time"])
    # Every value is checked, so attrs' validators need not check them again.
    return metadata_from_checked_fields(
        {
            "event_type": event_type,
            "id": event_id,
            "minorversion": minorversion,
            "source": source,
            "sourcehost": sourcehost,
            "time": moment,
            "sourcelib": sourcelib,
        }
    )


def _read_all(
    text: Mapping[str, str], names: dict[str, str], repeated: tuple[str | None, ...]
) -> EventsMetadata:
    reader = _HeaderReader(text, text.get(names["event_type"], ""))
    fields = {
        "event_type": reader.required(names["event_type"]),
        "id": reader.uuid(names["id"]),
        "minorversion": reader.integer(names["minorversion"]),
        "source": reader.required(names["source"]),
        "sourcehost": reader.required(names["sourcehost"]),
        "time": reader.time(names["time"]),
        "sourcelib": reader.version(names["sourcelib"]),
    }
    if len(_repeated_values) >= _MAX_REPEATED:  # bounded: the values come from the wire
        _repeated_values.clear()
    _repeated_values[repeated] = (
        fields["event_type"],
        fields["minorversion"],
        fields["source"],
        fields["sourcehost"],
        fields["sourcelib"],
    )
    return metadata_from_checked_fields(fields)


_MAX_REPEATED = 1024
# (type, minorversion, source, sourcehost, sourcelib) as text -> their checked values.
_repeated_values: dict[tuple[str | None, ...], tuple[Any, ...]] = {}

_new = object.__new__
_UUID_SLOTS = UUID.__dict__.get("int"), UUID.__dict__.get("is_safe")
_FAST_UUID = all(isinstance(slot, MemberDescriptorType) for slot in _UUID_SLOTS)


def _fast_uuid(value: str | None) -> UUID | None:
    """``UUID(value)`` for the usual form (32 hex digits, hyphens anywhere); else ``None``.

    It does what ``UUID()`` does with such text, without its other forms' checks.
    """
    if value is None or not _FAST_UUID:
        return None
    digits = value.replace("-", "")
    if len(digits) != 32 or not digits.isalnum():
        return None
    try:
        number = int(digits, 16)
    except ValueError:
        return None
    made = _new(UUID)
    _UUID_SLOTS[0].__set__(made, number)  # type: ignore[union-attr]
    _UUID_SLOTS[1].__set__(made, SafeUUID.unknown)  # type: ignore[union-attr]
    return made


def _fast_time(value: str | None) -> datetime | None:
    """The time of an ISO 8601 text already in UTC (``+00:00``); else ``None``."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is UTC else None


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
    def __init__(self, headers: Mapping[str, str], event_type: str) -> None:
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
