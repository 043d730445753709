"""Avro records and bytes -> event data, at the reference implementation's import path."""

from openedx_events._private.avro.codec import decode_event_data as deserialize_bytes_to_event_data
from openedx_events._private.avro.python_types import (
    PYTHON_TYPE_TO_AVRO_MAPPING,
    SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING,
)
from openedx_events._private.avro.signal_serializers import (
    AvroSignalDeserializer,
    deserialize_bytes_for_event_type,
    schema_from_signal,
)
from openedx_events._private.avro.type_serializers import (
    DEFAULT_CUSTOM_SERIALIZERS,
    DEFAULT_DESERIALIZERS,
)

__all__ = [
    "DEFAULT_CUSTOM_SERIALIZERS",
    "DEFAULT_DESERIALIZERS",
    "PYTHON_TYPE_TO_AVRO_MAPPING",
    "SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING",
    "AvroSignalDeserializer",
    "deserialize_bytes_for_event_type",
    "deserialize_bytes_to_event_data",
    "schema_from_signal",
]
