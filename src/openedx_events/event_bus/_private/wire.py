"""The mapping between an event and a bus :class:`Message`, apart from any storage.

A message carries the metadata as Redis-style headers (``type``, ``id``, ``source``, ...), the
event data as schemaless Avro bytes, and the value at the event's key field as its key. Every
backend stores exactly these three parts, so an event reads the same from any of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import attrs

from openedx_events._private.fields import FieldPathError, field_path_value
from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.records import Message, Record, message_of
from openedx_events.exceptions import EventDeserializationError, ProducerConfigurationError

__all__ = ["DecodedEvent", "decode_record", "encode_event", "key_value"]

HEADER_STYLE = "redis"


class _Codec(NamedTuple):
    serialize: Callable[[Mapping[str, Any], OpenEdxPublicSignal], bytes]
    deserialize: Callable[[bytes, OpenEdxPublicSignal], dict[str, Any]]
    to_headers: Callable[..., dict[str, str]]
    from_headers: Callable[..., EventsMetadata]


@functools.cache
def _codec() -> _Codec:
    # Imported on first use: the codecs bring the whole schema machinery, which tools that
    # only list topics or dead letters do not need.
    from openedx_events._private.avro.codec import (  # noqa: PLC0415  (see above)
        decode_event_data,
        encode_event_data,
    )
    from openedx_events.event_bus.headers import (  # noqa: PLC0415  (see above)
        metadata_from_text_headers,
        metadata_to_headers,
    )

    # A record's headers are text already: they are read as they are, not copied.
    return _Codec(
        encode_event_data, decode_event_data, metadata_to_headers, metadata_from_text_headers
    )


_records: dict[type, bool] = {}


def _is_record(cls: type) -> bool:
    # Cached: looking up a missing class attribute on some key classes costs half a microsecond.
    found = _records.get(cls)
    if found is None:
        found = _records[cls] = attrs.has(cls)
    return found


def key_value(event_data: Mapping[str, Any], event_key_field: str | None, event_type: str) -> Any:
    """The value at the dotted path ``event_key_field`` of the data (``None`` without a path).

    Raises:
        ProducerConfigurationError: the path does not lead to a value in this data, or it
            names a whole record (whose ``repr`` would make a meaningless key).
    """
    if not event_key_field:
        return None
    try:
        value = field_path_value(event_data, event_key_field)
    except FieldPathError as error:
        raise ProducerConfigurationError(
            event_type, f"event_key_field '{event_key_field}': {error}"
        ) from error
    if _is_record(type(value)):
        raise ProducerConfigurationError(
            event_type,
            f"event_key_field '{event_key_field}' names a record ({type(value).__name__}), "
            "not a value; name one of its fields",
        )
    return value


def encode_event(
    signal: OpenEdxPublicSignal,
    event_data: Mapping[str, Any],
    metadata: EventsMetadata,
    event_key_field: str | None = None,
) -> Message:
    """The message that carries one event.

    Raises:
        EventSerializationError: the data does not fit the event's schema.
        ProducerConfigurationError: ``event_key_field`` does not lead to a value.
    """
    key = key_value(event_data, event_key_field, signal.event_type)
    codec = _codec()
    headers = codec.to_headers(metadata, style=HEADER_STYLE)
    # The encoders only read the data: a dict is not copied first.
    payload = codec.serialize(event_data if type(event_data) is dict else dict(event_data), signal)
    return message_of(headers, payload, None if key is None else str(key))


@attrs.frozen
class DecodedEvent:
    """An event read back from a record: its signal, metadata and typed data."""

    signal: OpenEdxPublicSignal
    metadata: EventsMetadata
    data: dict[str, Any]


def decode_record(record: Record) -> DecodedEvent:
    """The event a record holds.

    Raises:
        EventDeserializationError: the record is damaged, or its headers or payload do not
            decode.
        UnknownEventTypeError: no signal is known for the record's event type.
    """
    event_type = record.headers.get("type", "")
    if record.defect is not None:
        raise EventDeserializationError(event_type, f"damaged record: {record.defect}")
    if not event_type:
        raise EventDeserializationError("", "the record has no 'type' header")
    signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
    codec = _codec()
    metadata = codec.from_headers(record.headers, style=HEADER_STYLE)
    data = codec.deserialize(record.payload, signal)
    # Built without attrs' __init__, which only copies the three values in.
    event = _new(DecodedEvent)
    _set_signal(event, signal)
    _set_metadata(event, metadata)
    _set_data(event, data)
    return event


_new = object.__new__
_set_signal, _set_metadata, _set_data = (
    DecodedEvent.__dict__[name].__set__ for name in ("signal", "metadata", "data")
)
