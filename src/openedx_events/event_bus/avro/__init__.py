"""The Avro wire format of events: schemas, serializer, deserializer, keys and custom types."""

from openedx_events._private.avro.event_key import (
    event_key_bytes,
    event_key_schema,
    event_key_value,
    event_key_wire_value,
)
from openedx_events.event_bus.avro.custom_types import register_custom_type
from openedx_events.event_bus.avro.deserializer import (
    AvroSignalDeserializer,
    deserialize_bytes_for_event_type,
    deserialize_bytes_to_event_data,
)
from openedx_events.event_bus.avro.schema import schema_from_signal
from openedx_events.event_bus.avro.serializer import (
    AvroSignalSerializer,
    serialize_event_data_to_bytes,
)

__all__ = [
    "AvroSignalDeserializer",
    "AvroSignalSerializer",
    "deserialize_bytes_for_event_type",
    "deserialize_bytes_to_event_data",
    "event_key_bytes",
    "event_key_schema",
    "event_key_value",
    "event_key_wire_value",
    "register_custom_type",
    "schema_from_signal",
    "serialize_event_data_to_bytes",
]
