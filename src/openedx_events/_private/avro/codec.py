"""One signal's Avro codec: its schema, parsed once, and its generated encoder and decoder.

:func:`codec_for` builds a codec the first time a signal is used and keeps it, so a schema
is never rebuilt per event. :func:`encode_event_data` and :func:`decode_event_data` are the
hot paths every writer and reader of event bytes goes through. Every failure, whatever its
cause, comes out as :class:`EventSerializationError` or :class:`EventDeserializationError`
naming the event type and, where it can be found, the field.
"""

from __future__ import annotations

import copy
import io
import json
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import fastavro

from openedx_events._private.avro.binary_read import UnsupportedSchema, compile_reader
from openedx_events._private.avro.binary_write import compile_writer
from openedx_events._private.avro.decoder import compile_decoder, compile_flat_decoder
from openedx_events._private.avro.diagnose import FieldProblem, checked_decode, checked_encode
from openedx_events._private.avro.encoder import compile_encoder, compile_flat_encoder
from openedx_events._private.avro.model import ExtraTypes, UnsupportedTypeError
from openedx_events._private.avro.schema import (
    SchemaConflictError,
    flat_schema,
    signal_record_fields,
    signal_schema,
)
from openedx_events.exceptions import EventDeserializationError, EventSerializationError

if TYPE_CHECKING:
    from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = ["SignalCodec", "codec_for", "decode_event_data", "encode_event_data"]

_BytesIO = io.BytesIO
_write = fastavro.schemaless_writer
_read = fastavro.schemaless_reader


class SignalCodec:
    """Encodes and decodes the events of one signal (with a serializer's own custom types)."""

    def __init__(self, signal: OpenEdxPublicSignal, extra: ExtraTypes = ()) -> None:
        self.signal = signal
        self.event_type = signal.event_type
        try:
            self.fields = signal_record_fields(signal.init_data, extra)
            self.schema = signal_schema(signal.event_type, signal.init_data, extra)
        except (UnsupportedTypeError, SchemaConflictError) as error:
            raise EventSerializationError(self.event_type, str(error), field=error.path) from error
        self.schema_string = json.dumps(self.schema, sort_keys=True)
        self.parsed_schema = fastavro.parse_schema(copy.deepcopy(self.schema))
        self.to_record = compile_encoder(self.fields, self.event_type)
        self.from_record = compile_decoder(self.fields, self.event_type)
        # Bytes are written and read through the flat schema: the same bytes, handled faster.
        self.flat_schema = fastavro.parse_schema(flat_schema(self.event_type, self.fields))
        self.to_flat_record = compile_flat_encoder(self.fields, self.event_type)
        self.from_flat_record = compile_flat_decoder(self.fields, self.event_type)
        # Generated binary codecs go first; fastavro stays the codec of record behind them
        # (custom types of a serializer's own, and every input they refuse).
        self.write_bytes: Callable[[Mapping[str, Any]], bytes] | None = None
        self.read_bytes: Callable[[bytes], dict[str, Any]] | None = None
        if not extra:
            try:
                self.write_bytes = compile_writer(self.fields, self.event_type)
                self.read_bytes = compile_reader(self.fields, self.event_type)
            except UnsupportedSchema:
                self.write_bytes = self.read_bytes = None

    def encode(self, event_data: Mapping[str, Any]) -> bytes:
        """The schemaless Avro bytes of ``event_data`` (the signal's keyword arguments)."""
        if self.write_bytes is not None:
            try:
                return self.write_bytes(event_data)
            except Exception:  # the path below gives the bytes or today's typed error
                pass
        try:
            out = _BytesIO()
            _write(out, self.flat_schema, self.to_flat_record(event_data))
            return out.getvalue()
        except Exception as error:
            record = self._checked_record(event_data, error)
        # The data was not what the fast encoder takes (data classes given as dicts); the
        # checked encoder built and checked the nested record, written as it is.
        try:
            out = _BytesIO()
            _write(out, self.parsed_schema, record)
            return out.getvalue()
        except Exception as error:
            raise EventSerializationError(self.event_type, f"cannot encode: {error!r}") from error

    def record(self, event_data: Mapping[str, Any]) -> dict[str, Any]:
        """The Avro record (a JSON-compatible dict) of ``event_data``."""
        try:
            return self.to_record(event_data)  # type: ignore[no-any-return]  # generated
        except Exception as error:
            return self._checked_record(event_data, error)

    def _checked_record(self, event_data: Any, error: Exception) -> dict[str, Any]:
        # The fast encoder refused the data. The checked one either says which field is at
        # fault or, where data classes were given as plain dicts, builds the record itself.
        try:
            return checked_encode(self.fields, event_data)
        except FieldProblem as problem:
            raise EventSerializationError(
                self.event_type, problem.message, field=problem.path
            ) from error
        except Exception as other:  # the checked encoder met something it does not know
            raise EventSerializationError(self.event_type, f"cannot encode: {other!r}") from error

    def decode(self, data: bytes) -> dict[str, Any]:
        """The signal's keyword arguments, decoded from schemaless Avro ``data``."""
        if self.read_bytes is not None and data.__class__ is bytes:
            try:
                return self.read_bytes(data)
            except Exception:  # the path below gives the data or today's typed error
                pass
        try:
            stream = _BytesIO(data)
            record = _read(stream, self.flat_schema, None)
            if stream.tell() != len(data):
                raise ValueError("trailing bytes")
            return self.from_flat_record(record)
        except Exception as error:
            raise self.decode_error(data, error) from error

    def from_dict(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The signal's keyword arguments, rebuilt from an Avro record."""
        try:
            return self.from_record(record)
        except Exception as error:
            raise EventDeserializationError(
                self.event_type, f"cannot rebuild the event data: {error!r}"
            ) from error

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
_extended_codecs: dict[tuple[OpenEdxPublicSignal, ExtraTypes], SignalCodec] = {}
_lock = threading.Lock()


def codec_for(signal: OpenEdxPublicSignal, extra: ExtraTypes = ()) -> SignalCodec:
    """The codec of ``signal`` (with ``extra`` custom types), built on first use.

    Raises:
        EventSerializationError: the signal's data has a type with no Avro mapping.
    """
    if not extra:
        codec = _codecs.get(signal)
        if codec is None:
            with _lock:
                codec = _codecs.get(signal)
                if codec is None:
                    codec = _codecs[signal] = SignalCodec(signal)
        return codec
    with _lock:
        codec = _extended_codecs.get((signal, extra))
        if codec is None:
            codec = _extended_codecs[signal, extra] = SignalCodec(signal, extra)
        return codec


def encode_event_data(event_data: Mapping[str, Any], signal: OpenEdxPublicSignal) -> bytes:
    """The schemaless Avro bytes of ``event_data`` for ``signal``.

    Raises:
        EventSerializationError: the data does not fit the schema; names the field.
    """
    return (_codecs.get(signal) or codec_for(signal)).encode(event_data)


def decode_event_data(bytes_from_wire: bytes, signal: OpenEdxPublicSignal) -> dict[str, Any]:
    """The keyword arguments of ``signal``, decoded from schemaless Avro bytes.

    Raises:
        EventDeserializationError: the bytes are not an event of this signal; names the field.
    """
    return (_codecs.get(signal) or codec_for(signal)).decode(bytes_from_wire)
