"""The Avro type each plain Python type travels as (the reference's published mappings)."""

from __future__ import annotations

from typing import Any

__all__ = ["PYTHON_TYPE_TO_AVRO_MAPPING", "SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING"]

SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING: dict[Any, str] = {
    bool: "boolean",
    int: "long",
    float: "double",
    bytes: "bytes",
    str: "string",
}

#: The simple types plus None and the containers, which need item types to be written.
PYTHON_TYPE_TO_AVRO_MAPPING: dict[Any, str] = {
    **SIMPLE_PYTHON_TYPE_TO_AVRO_MAPPING,
    None: "null",
    dict: "map",
    list: "array",
}
