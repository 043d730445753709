"""Avro schemas of signals, at the reference implementation's import path."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from openedx_events._private.avro.codec import codec_for

if TYPE_CHECKING:
    from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = ["schema_from_signal"]


def schema_from_signal(signal: OpenEdxPublicSignal) -> dict[str, Any]:
    """The Avro schema the events of ``signal`` are written with (a fresh copy of a cached one).

    Raises:
        EventSerializationError: a field's type has no Avro mapping.
    """
    return copy.deepcopy(codec_for(signal).schema)
