"""The catalog as Markdown (CommonMark), in the structure of the catalog page."""

from __future__ import annotations

from openedx_events.catalog._private.model import Catalog, EventEntry
from openedx_events.catalog._private.text import INTRODUCTION, NOTE, TITLE, bus_text, data_text

__all__ = ["render_markdown"]


def render_markdown(catalog: Catalog) -> str:
    """The catalog page as one Markdown document."""
    lines = [f"# {TITLE}", "", INTRODUCTION, "", f"> **Note:** {NOTE}", ""]
    for subdomain, subjects in catalog.grouped():
        lines += [f"## Architectural subdomain: {subdomain}", ""]
        for subject, events in subjects:
            lines += [f"### Subject: {subject}", ""]
            for event in events:
                lines += _event(event)
    return "\n".join(lines).rstrip() + "\n"


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def _event(event: EventEntry) -> list[str]:
    lines = [f"#### {event.event_type}", ""]
    items = [("Description", event.description or "(none)")]
    if event.signal_name:
        items.append(("Signal name", _code(event.signal_name)))
    if event.event_key_field:
        items.append(("Event key field", _code(event.event_key_field)))
    items.append(("Event data", _code(data_text(event))))
    if event.defined_at is not None:
        where = event.defined_at
        items.append(("Defined at", f"{_code(where.path)} (line {where.line})"))
    if event.aliases:
        items.append(("Also known as", ", ".join(_code(alias) for alias in event.aliases)))
    items.append(("Event bus", bus_text(event)))
    if event.topics:
        items.append(("Topics", ", ".join(_code(topic) for topic in event.topics)))
    lines += [f"- **{name}:** {value}" for name, value in items]
    lines.append("")
    for warning in event.warnings:
        lines += [f"> **Warning:** {warning}", ""]
    return lines
