"""The Avro type of each plain Python type, at the reference implementation's import path."""

from openedx_events._private.avro.python_types import (
    PYTHON_TYPE_TO_AVRO_MAPPING,
    SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING,
)

__all__ = ["PYTHON_TYPE_TO_AVRO_MAPPING", "SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING"]
