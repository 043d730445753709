"""How the commands print one event: a line for people, or a JSON document per line."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import click

from openedx_events._private.fields import FieldPathError, field_path_value
from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.records import Position
from openedx_events.event_bus.cloudevents_json import event_to_cloudevent

__all__ = ["echo_event", "event_document", "key_of"]


def key_of(signal: OpenEdxPublicSignal, data: Mapping[str, Any]) -> str | None:
    """The value at the signal's key field, as text (``None`` without one).

    Only for showing: a path the data lacks shows no key (the producer refuses such a key).
    """
    if not signal.event_key_field:
        return None
    try:
        value = field_path_value(data, signal.event_key_field)
    except FieldPathError:
        return None
    return None if value is None else str(value)


def event_document(
    signal: OpenEdxPublicSignal,
    metadata: EventsMetadata,
    data: Mapping[str, Any],
    position: Position | None = None,
) -> dict[str, Any]:
    """The event as a structured-mode CloudEvent.

    Two extension attributes are added: ``partitionkey``, the value at the event's key field,
    and ``position``, the event's place in its topic, when known.
    """
    document = event_to_cloudevent(data, signal, metadata)
    key = key_of(signal, data)
    if key is not None:
        document["partitionkey"] = key
    if position is not None:
        document["position"] = position if isinstance(position, int) else str(position)
    return document


def echo_event(
    signal: OpenEdxPublicSignal,
    metadata: EventsMetadata,
    data: Mapping[str, Any],
    *,
    as_json: bool,
    position: Position | None = None,
) -> None:
    """Print one event on one line, and flush, so a pipe sees it at once.

    ``position`` (the event's place in its topic) starts the line, or is a CloudEvent
    attribute.
    """
    if as_json:
        line = json.dumps(event_document(signal, metadata, data, position))
    else:
        key = key_of(signal, data)
        line = f"{metadata.time.isoformat()}  {signal.event_type}  {metadata.id}" + (
            f"  key={key}" if key is not None else ""
        )
        if position is not None:
            line = f"{position}  {line}"
    click.echo(line)
    sys.stdout.flush()
