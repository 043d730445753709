"""Event data -> Avro records and bytes, at the reference implementation's import path."""

from openedx_events._private.avro.codec import encode_event_data as serialize_event_data_to_bytes
from openedx_events._private.avro.signal_serializers import AvroSignalSerializer, schema_from_signal
from openedx_events._private.avro.type_serializers import (
    DEFAULT_CUSTOM_SERIALIZERS,
    DEFAULT_SERIALIZERS,
)

__all__ = [
    "DEFAULT_CUSTOM_SERIALIZERS",
    "DEFAULT_SERIALIZERS",
    "AvroSignalSerializer",
    "schema_from_signal",
    "serialize_event_data_to_bytes",
]
