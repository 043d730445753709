"""The reference implementation's serializer classes, over this package's codecs.

``AvroSignalSerializer`` and ``AvroSignalDeserializer`` are what event bus plugins use: the
schema as a string for a schema registry, and record dicts for their own Avro writers. A
subclass that overrides ``custom_type_serializers()`` gets a codec of its own that knows
those types (see :mod:`.type_serializers`).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any

from openedx_events._private.avro.codec import SignalCodec, codec_for, decode_event_data
from openedx_events._private.avro.custom_types import CustomType
from openedx_events._private.avro.event_key import event_key_schema, key_value_to_wire
from openedx_events._private.avro.type_serializers import (
    BaseCustomTypeAvroSerializer,
    custom_type_entries,
)
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.exceptions import EventDeserializationError, EventSerializationError

__all__ = [
    "AvroSignalDeserializer",
    "AvroSignalSerializer",
    "deserialize_bytes_for_event_type",
    "schema_from_signal",
]


class _SignalAvroBase:
    """What the serializer and the deserializer share: the signal, its codec and schema."""

    def __init__(self, signal: OpenEdxPublicSignal) -> None:
        self.signal = signal
        extensions = list(self.custom_type_serializers())
        self.custom_types = {item.cls: item.field_type for item in extensions}
        self._extra = custom_type_entries(extensions)

    @functools.cached_property
    def _codec(self) -> SignalCodec:
        # Built on first use, so that a type with no Avro mapping fails where the data is
        # first handled (as in the reference) rather than when the serializer is made.
        return codec_for(self.signal, self._extra)

    @property
    def schema(self) -> dict[str, Any]:
        """The signal's Avro schema (shared; do not modify it)."""
        return self._codec.schema

    def schema_string(self) -> str:
        """The schema as JSON text with sorted keys, as schema registries receive it."""
        return self._codec.schema_string

    def custom_type_serializers(self) -> list[type[BaseCustomTypeAvroSerializer]]:
        """Override to add serializers for types the codec does not know; none by default."""
        return []


class AvroSignalSerializer(_SignalAvroBase):
    """Writes the events of one signal as Avro records or schemaless Avro bytes."""

    def __init__(self, signal: OpenEdxPublicSignal) -> None:
        super().__init__(signal)
        self.serializers = {item.cls: item.serialize for item in self.custom_type_serializers()}

    def to_dict(self, event_data: Mapping[str, Any]) -> Any:
        """The Avro record of ``event_data``: keys as strings, datetimes in ISO format.

        Data classes may be given as plain dicts of their fields. Given the event's key alone
        (edx-event-bus-kafka's key serializer passes it here), its Avro value.

        Raises:
            EventSerializationError: the data does not fit the schema; names the field.
        """
        if not isinstance(event_data, Mapping):
            return key_value_to_wire(event_data, self.signal)
        return self._codec.record(event_data)

    def serialize(self, event_data: Mapping[str, Any]) -> bytes:
        """The schemaless Avro bytes of ``event_data`` (the signal's keyword arguments)."""
        return self._codec.encode(event_data)

    def schema_for_field(self, field_path: str | None = None) -> dict[str, Any]:
        """The Avro field definition at a dotted path (the event key's path by default)."""
        if field_path is None or field_path == self.signal.event_key_field:
            return event_key_schema(self.signal)
        raise ValueError(f"only the event key field ({self.signal.event_key_field}) is supported")


class AvroSignalDeserializer(_SignalAvroBase):
    """Reads the events of one signal from Avro records or schemaless Avro bytes."""

    def __init__(self, signal: OpenEdxPublicSignal) -> None:
        super().__init__(signal)
        self.deserializers = {item.cls: item.deserialize for item in self.custom_type_serializers()}

    @functools.cached_property
    def _codec(self) -> SignalCodec:
        # A reader meeting a type it cannot map fails as a deserialization error, in the
        # reference's words.
        try:
            return codec_for(self.signal, self._extra)
        except EventSerializationError as error:
            raise EventDeserializationError(
                self.signal.event_type,
                f"Unable to deserialize the data: {error.reason}; add a "
                "BaseCustomTypeAvroSerializer for the type to custom_type_serializers()",
                field=error.field,
            ) from error

    def from_dict(self, avro_record_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The signal's keyword arguments, rebuilt from an Avro record.

        Raises:
            EventDeserializationError: the record does not fit the schema.
        """
        return self._codec.from_dict(avro_record_dict)

    def deserialize(self, data: bytes) -> dict[str, Any]:
        """The signal's keyword arguments, decoded from schemaless Avro ``data``."""
        return self._codec.decode(data)


def _schema_only(value: Any) -> Any:
    raise TypeError("a type given to schema_from_signal only has a schema, no conversion")


def schema_from_signal(
    signal: OpenEdxPublicSignal, custom_type_to_avro_type: Mapping[type, str] | None = None
) -> dict[str, Any]:
    """The Avro schema the events of ``signal`` are written with (a fresh copy).

    ``custom_type_to_avro_type`` maps classes the codec does not know to their Avro type.

    Raises:
        EventSerializationError: a field's type has no Avro mapping (a ``TypeError``).
    """
    extra = tuple(
        CustomType(python_type, avro_type, _schema_only, _schema_only, python_type)
        for python_type, avro_type in (custom_type_to_avro_type or {}).items()
    )
    return copy.deepcopy(codec_for(signal, extra).schema)


def deserialize_bytes_for_event_type(data: bytes, event_type: str) -> dict[str, Any]:
    """The event data in schemaless Avro ``data``, the signal found by its event type.

    Raises:
        EventDeserializationError: the event type is unknown, or the bytes do not decode.
    """
    try:
        signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
    except KeyError as error:
        raise EventDeserializationError(event_type, "unknown event type") from error
    return decode_event_data(data, signal)
