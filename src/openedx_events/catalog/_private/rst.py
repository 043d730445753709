"""The catalog as reStructuredText, in the structure of the catalog page.

Grouped by architectural subdomain, then subject; each event is a section titled by its
type, with a field list and its warnings as ``.. warning::`` admonitions.
"""

from __future__ import annotations

from openedx_events.catalog._private.model import Catalog, EventEntry
from openedx_events.catalog._private.text import INTRODUCTION, NOTE, TITLE, event_fields

__all__ = ["render_rst"]


def render_rst(catalog: Catalog, *, title: bool = True) -> str:
    """The catalog page; without ``title``, the part that goes below a page's own title."""
    lines: list[str] = []
    if title:
        lines += _heading(TITLE, "#")
        lines += [INTRODUCTION, "", ".. note::", "", f"   {NOTE}", ""]
    for subdomain, subjects in catalog.grouped():
        lines += _heading(f"Architectural subdomain: {subdomain}", "=")
        for subject, events in subjects:
            lines += _heading(f"Subject: {subject}", "-")
            for event in events:
                lines += _event(event)
    return "\n".join(lines).rstrip() + "\n"


def _heading(text: str, mark: str) -> list[str]:
    return [text, mark * len(text), ""]


def _literal(text: str) -> str:
    return f"``{text}``"


def _event(event: EventEntry) -> list[str]:
    lines = [f".. _{event.event_type}:", ""]
    lines += _heading(event.event_type, "~")
    lines += [f":{name}: {value}" for name, value in event_fields(event, _literal)]
    lines.append("")
    for warning in event.warnings:
        lines += [".. warning::", "", f"   {warning}", ""]
    return lines
