"""The catalog as Markdown (CommonMark), in the structure of the catalog page."""

from __future__ import annotations

from openedx_events.catalog._private.model import Catalog, EventEntry
from openedx_events.catalog._private.text import INTRODUCTION, NOTE, TITLE, event_fields

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
    lines += [f"- **{name}:** {value}" for name, value in event_fields(event, _code)]
    lines.append("")
    for warning in event.warnings:
        lines += [f"> **Warning:** {warning}", ""]
    return lines
