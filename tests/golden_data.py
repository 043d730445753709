"""The golden wire data: facts the reference implementation produced, committed in tests/golden.

``tools/golden_wire.py`` writes these files by running the reference (openedx-events 11.2.0 and
its Redis and Kafka buses); the tests read them, so a clone proves wire compatibility with no
reference installed.

- ``signals()``: one entry per reference signal: type, name, module, minor version, key field
  (and whether it resolves in the data), data classes, the Avro schema it writes with.
- ``data_classes()``: every data class the signals carry, with its fields in wire order.
- ``wire_vectors()``: two per bus-compatible event (optional fields set, and not): the Avro
  record, the reference's bytes, the message key and the Redis and Kafka headers.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

__all__ = ["GOLDEN_DIR", "data_classes", "signals", "signals_by_type", "wire_vectors"]

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


@functools.cache
def _load(name: str) -> list[dict[str, Any]]:
    document = json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))
    body: list[dict[str, Any]] = document[name]
    return body


def signals() -> list[dict[str, Any]]:
    """Every signal of the reference, sorted by event type."""
    return _load("signals")


def signals_by_type() -> dict[str, dict[str, Any]]:
    """``signals()`` keyed by event type."""
    return {entry["event_type"]: entry for entry in signals()}


def data_classes() -> list[dict[str, Any]]:
    """Every data class the reference's signals carry, sorted by qualified name."""
    return _load("data_classes")


def wire_vectors() -> list[dict[str, Any]]:
    """The reference's bytes, key and headers for sample events."""
    return _load("wire_vectors")
