"""How the commands print one event: a line for people, or a JSON document per line."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import click

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.cli._wire import event_data_to_json

__all__ = ["echo_event", "event_document", "key_of"]


def key_of(signal: OpenEdxPublicSignal, data: Mapping[str, Any]) -> str | None:
    """The value at the signal's key field, as text (``None`` without one)."""
    if not signal.event_key_field:
        return None
    head, *rest = signal.event_key_field.split(".")
    value = data.get(head)
    for part in rest:
        value = getattr(value, part, None)
    return None if value is None else str(value)


def event_document(
    signal: OpenEdxPublicSignal, metadata: EventsMetadata, data: Mapping[str, Any]
) -> dict[str, Any]:
    """The event as JSON-compatible data: its metadata and its data in wire form."""
    return {
        "metadata": metadata.to_json_data(),
        "key": key_of(signal, data),
        "data": event_data_to_json(signal, dict(data)),
    }


def echo_event(
    signal: OpenEdxPublicSignal,
    metadata: EventsMetadata,
    data: Mapping[str, Any],
    *,
    as_json: bool,
    position: int | None = None,
) -> None:
    """Print one event on one line, and flush, so a pipe sees it at once.

    ``position`` (the event's place in its topic) starts the line, or is a JSON member.
    """
    if as_json:
        document = event_document(signal, metadata, data)
        if position is not None:
            document = {"position": position, **document}
        line = json.dumps(document)
    else:
        key = key_of(signal, data)
        line = f"{metadata.time.isoformat()}  {signal.event_type}  {metadata.id}" + (
            f"  key={key}" if key is not None else ""
        )
        if position is not None:
            line = f"{position}  {line}"
    click.echo(line)
    sys.stdout.flush()
