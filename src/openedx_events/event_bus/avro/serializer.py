"""Event data -> Avro bytes, at the reference implementation's import path."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import fastavro

from openedx_events._private.avro.codec import cached_codecs, codec_for
from openedx_events._private.avro.event_key import event_key_schema

if TYPE_CHECKING:
    from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = ["AvroSignalSerializer", "serialize_event_data_to_bytes"]


class AvroSignalSerializer:
    """Writes the events of one signal as schemaless Avro."""

    def __init__(self, signal: OpenEdxPublicSignal) -> None:
        self.signal = signal
        self._codec = codec_for(signal)

    @property
    def schema(self) -> dict[str, Any]:
        """The signal's Avro schema (shared; do not modify it)."""
        return self._codec.schema

    def to_dict(self, event_data: Mapping[str, Any]) -> dict[str, Any]:
        """The Avro record of ``event_data``: keys as strings, datetimes in ISO format."""
        try:
            return self._codec.to_record(event_data)  # type: ignore[no-any-return]  # generated
        except Exception:
            # Let the checked path name the field at fault.
            self._codec.encode(event_data)
            raise

    def serialize(self, event_data: Mapping[str, Any]) -> bytes:
        """The schemaless Avro bytes of ``event_data`` (the signal's keyword arguments)."""
        return self._codec.encode(event_data)

    def schema_for_field(self, field_path: str | None = None) -> dict[str, Any]:
        """The Avro field definition at a dotted path (the event key's path by default)."""
        if field_path is None or field_path == self.signal.event_key_field:
            return event_key_schema(self.signal)
        raise ValueError(f"only the event key field ({self.signal.event_key_field}) is supported")


def serialize_event_data_to_bytes(
    event_data: Mapping[str, Any], signal: OpenEdxPublicSignal
) -> bytes:
    """The schemaless Avro bytes of ``event_data`` for ``signal``.

    Raises:
        EventSerializationError: the data does not fit the schema; names the field.
    """
    codec = cached_codecs.get(signal) or codec_for(signal)
    try:
        out = _BytesIO()
        _write(out, codec.flat_schema, codec.to_flat_record(event_data))
        return out.getvalue()
    except Exception as error:
        raise codec.encode_error(event_data, error) from error


_BytesIO = io.BytesIO
_write = fastavro.schemaless_writer
