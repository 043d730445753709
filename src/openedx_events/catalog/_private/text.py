"""What the text renderers say of an event, worded once for reStructuredText and Markdown."""

from __future__ import annotations

from collections.abc import Callable

from openedx_events.catalog._private.model import EventEntry

__all__ = ["INTRODUCTION", "NOTE", "TITLE", "bus_text", "data_text", "event_fields"]

TITLE = "Events"
INTRODUCTION = "This is the list of Open edX events found in this repository."
NOTE = (
    "Events can be created in other projects and plugins as well, but these default events "
    "are guaranteed to exist."
)


def data_text(event: EventEntry) -> str:
    """``CourseEnrollmentData``, or ``argument (Class), ...`` for events with several."""
    if len(event.data) == 1:
        return event.data[0][1]
    return ", ".join(f"{argument} ({name})" for argument, name in event.data)


def bus_text(event: EventEntry) -> str:
    """Whether the event travels on the bus, and under which schema state."""
    if not event.bus_compatible:
        return "cannot travel on the event bus"
    if event.snapshot_status in (None, "unchanged"):
        return "travels on the event bus (Avro)"
    return f"travels on the event bus (Avro; schema {event.snapshot_status} since the snapshot)"


def event_fields(event: EventEntry, literal: Callable[[str], str]) -> list[tuple[str, str]]:
    """The (name, value) fields of an event's entry; ``literal`` marks up code in the value."""
    fields = [("Description", event.description or "(none)")]
    if event.signal_name:
        fields.append(("Signal name", literal(event.signal_name)))
    if event.event_key_field:
        fields.append(("Event key field", literal(event.event_key_field)))
    fields.append(("Event data", literal(data_text(event))))
    if event.defined_at is not None:
        where = event.defined_at
        fields.append(("Defined at", f"{literal(where.path)} (line {where.line})"))
    if event.aliases:
        fields.append(("Also known as", ", ".join(literal(alias) for alias in event.aliases)))
    fields.append(("Event bus", bus_text(event)))
    if event.topics:
        fields.append(("Topics", ", ".join(literal(topic) for topic in event.topics)))
    return fields
