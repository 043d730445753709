"""The reference implementation's published facts (../shared/reference), for parametrizing tests.

When the folder is absent, every parameter set becomes one skipped case with the reason.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

REFERENCE = Path(__file__).resolve().parents[4] / "shared" / "reference"
SKIP_REASON = f"the reference data folder {REFERENCE} is absent"


@functools.cache
def _load(name: str) -> Any:
    path = REFERENCE / name
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def vectors() -> list[dict[str, Any]]:
    """The public wire vectors, or [] without the reference folder."""
    return _load("wire_vectors.json") or []


def events_by_type() -> dict[str, dict[str, Any]]:
    """events.json keyed by wire event type, or {} without the reference folder."""
    return {event["event_type"]: event for event in _load("events.json") or []}


def vector_params() -> list[Any]:
    """One pytest param per vector (id = vector id), or a single skipped param."""
    found = vectors()
    if not found:
        return [pytest.param(None, marks=pytest.mark.skip(reason=SKIP_REASON))]
    return [pytest.param(vector, id=vector["vector_id"]) for vector in found]
