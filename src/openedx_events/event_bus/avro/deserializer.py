"""Avro bytes -> event data, at the reference implementation's import path."""

from __future__ import annotations

import io
from typing import Any

import fastavro

from openedx_events._private.avro.codec import cached_codecs, codec_for
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.exceptions import EventDeserializationError

__all__ = [
    "AvroSignalDeserializer",
    "deserialize_bytes_for_event_type",
    "deserialize_bytes_to_event_data",
]


class AvroSignalDeserializer:
    """Reads the events of one signal from schemaless Avro."""

    def __init__(self, signal: OpenEdxPublicSignal) -> None:
        self.signal = signal
        self._codec = codec_for(signal)

    @property
    def schema(self) -> dict[str, Any]:
        """The signal's Avro schema (shared; do not modify it)."""
        return self._codec.schema

    def from_dict(self, record: dict[str, Any]) -> dict[str, Any]:
        """The signal's keyword arguments, rebuilt from an Avro record."""
        try:
            return self._codec.from_record(record)
        except Exception as error:
            raise EventDeserializationError(
                self.signal.event_type, f"cannot rebuild the event data: {error!r}"
            ) from error

    def deserialize(self, data: bytes) -> dict[str, Any]:
        """The signal's keyword arguments, decoded from schemaless Avro ``data``."""
        return self._codec.decode(data)


def deserialize_bytes_to_event_data(data: bytes, signal: OpenEdxPublicSignal) -> dict[str, Any]:
    """The keyword arguments of ``signal``, decoded from schemaless Avro ``data``.

    Raises:
        EventDeserializationError: the bytes are not an event of this signal; names the field.
    """
    codec = cached_codecs.get(signal) or codec_for(signal)
    try:
        stream = _BytesIO(data)
        record = _read(stream, codec.flat_schema, None)
        if stream.tell() != len(data):
            raise ValueError("trailing bytes")
        return codec.from_flat_record(record)
    except Exception as error:
        raise codec.decode_error(data, error) from error


_BytesIO = io.BytesIO
_read = fastavro.schemaless_reader


def deserialize_bytes_for_event_type(data: bytes, event_type: str) -> dict[str, Any]:
    """Like :func:`deserialize_bytes_to_event_data`, with the signal found by its event type.

    Raises:
        EventDeserializationError: the event type is unknown, or the bytes do not decode.
    """
    try:
        signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
    except KeyError as error:
        raise EventDeserializationError(event_type, "unknown event type") from error
    return deserialize_bytes_to_event_data(data, signal)
