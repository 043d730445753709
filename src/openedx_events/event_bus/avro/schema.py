"""Avro schemas of signals, at the reference implementation's import path."""

from openedx_events._private.avro.python_types import (
    PYTHON_TYPE_TO_AVRO_MAPPING,
    SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING,
)
from openedx_events._private.avro.signal_serializers import schema_from_signal
from openedx_events._private.avro.type_serializers import (
    DEFAULT_CUSTOM_SERIALIZERS,
    DEFAULT_FIELD_TYPES,
)

__all__ = [
    "DEFAULT_CUSTOM_SERIALIZERS",
    "DEFAULT_FIELD_TYPES",
    "PYTHON_TYPE_TO_AVRO_MAPPING",
    "SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING",
    "schema_from_signal",
]
