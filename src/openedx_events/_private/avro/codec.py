"""One signal's Avro codec: its schema, parsed once, and its generated encoder and decoder.

:func:`codec_for` builds a codec the first time a signal is used and keeps it, so a schema is
never rebuilt per event. Every failure, whatever its cause, comes out as
:class:`EventSerializationError` or :class:`EventDeserializationError` naming the event type
and, where it can be found, the field.
"""

from __future__ import annotations

import copy
import io
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import fastavro

from openedx_events._private.avro.decoder import compile_decoder, compile_flat_decoder
from openedx_events._private.avro.diagnose import FieldProblem, checked_decode, checked_encode
from openedx_events._private.avro.encoder import compile_encoder, compile_flat_encoder
from openedx_events._private.avro.model import UnsupportedTypeError
from openedx_events._private.avro.schema import (
    SchemaConflictError,
    flat_schema,
    signal_record_fields,
    signal_schema,
)
from openedx_events.exceptions import EventDeserializationError, EventSerializationError

if TYPE_CHECKING:
    from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = ["SignalCodec", "cached_codecs", "codec_for"]

_BytesIO = io.BytesIO
_write = fastavro.schemaless_writer
_read = fastavro.schemaless_reader


class SignalCodec:
    """Encodes and decodes the events of one signal."""

    def __init__(self, signal: OpenEdxPublicSignal) -> None:
        self.signal = signal
        self.event_type = signal.event_type
        try:
            self.fields = signal_record_fields(signal.init_data)
            self.schema = signal_schema(signal.event_type, signal.init_data)
        except (UnsupportedTypeError, SchemaConflictError) as error:
            raise EventSerializationError(self.event_type, str(error), field=error.path) from error
        self.parsed_schema = fastavro.parse_schema(copy.deepcopy(self.schema))
        self.to_record = compile_encoder(self.fields, self.event_type)
        self.from_record = compile_decoder(self.fields, self.event_type)
        # Bytes are written and read through the flat schema: the same bytes, handled faster.
        self.flat_schema = fastavro.parse_schema(flat_schema(self.event_type, self.fields))
        self.to_flat_record = compile_flat_encoder(self.fields, self.event_type)
        self.from_flat_record = compile_flat_decoder(self.fields, self.event_type)

    def encode(self, event_data: Mapping[str, Any]) -> bytes:
        """The schemaless Avro bytes of ``event_data`` (the signal's keyword arguments)."""
        try:
            out = _BytesIO()
            _write(out, self.flat_schema, self.to_flat_record(event_data))
            return out.getvalue()
        except Exception as error:
            raise self.encode_error(event_data, error) from error

    # encode() and decode() are inlined in the public serialize/deserialize functions, the
    # hot path; keep the three in step.

    def decode(self, data: bytes) -> dict[str, Any]:
        """The signal's keyword arguments, decoded from schemaless Avro ``data``."""
        try:
            stream = _BytesIO(data)
            record = _read(stream, self.flat_schema, None)
            if stream.tell() != len(data):
                raise ValueError("trailing bytes")
            return self.from_flat_record(record)
        except Exception as error:
            raise self.decode_error(data, error) from error

    def encode_error(self, event_data: Any, error: Exception) -> EventSerializationError:
        """The typed error for a failed encode, naming the field at fault when possible."""
        try:
            checked_encode(self.fields, event_data)
        except FieldProblem as problem:
            return EventSerializationError(self.event_type, problem.message, field=problem.path)
        except Exception as other:  # the checked encoder met something it does not know
            return EventSerializationError(self.event_type, f"cannot encode: {other!r}")
        return EventSerializationError(self.event_type, f"cannot encode: {error!r}")

    def decode_error(self, data: Any, error: Exception) -> EventDeserializationError:
        """The typed error for a failed decode, naming the field at fault when possible."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            return EventDeserializationError(
                self.event_type, f"expected bytes, got {type(data).__name__}"
            )
        try:
            checked_decode(self.fields, bytes(data))
        except FieldProblem as problem:
            return EventDeserializationError(self.event_type, problem.message, field=problem.path)
        except Exception as other:  # the checked decoder met something it does not know
            return EventDeserializationError(self.event_type, f"cannot decode: {other!r}")
        return EventDeserializationError(self.event_type, f"cannot decode: {error!r}")


_codecs: dict[OpenEdxPublicSignal, SignalCodec] = {}
cached_codecs = _codecs  # read-only view for the hot paths, which look up before building
_lock = threading.Lock()


def codec_for(signal: OpenEdxPublicSignal) -> SignalCodec:
    """The codec of ``signal``, built on first use.

    Raises:
        EventSerializationError: the signal's data has a type with no Avro mapping.
    """
    codec = _codecs.get(signal)
    if codec is None:
        with _lock:
            codec = _codecs.get(signal)
            if codec is None:
                codec = _codecs[signal] = SignalCodec(signal)
    return codec
