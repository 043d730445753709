"""The generated pages list exactly the catalog page's 63 events and our 12 further ones.

Each with the page's signal name and key field, its type as sent on the wire and as the page
spells it, and those of the page's warnings that still hold. The facts come from the page in
``shared/`` when it is beside the repository, and always from the copy of them committed in
``data/catalog_events.json`` (which the page, when present, must match).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from catalog_text import TextEntry, markdown_entries, rst_entries

from openedx_events.catalog import build_catalog, render_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_catalog import PAGE, needs_page

FACTS = json.loads((Path(__file__).parent / "data" / "catalog_events.json").read_text("utf-8"))
BUS_CLAIM = "incompatible with the event bus"
WIRE_SPELLING = {
    "org.openedx.learning.course.persistent_grade.summary.v1": (
        "org.openedx.learning.course.persistent_grade_summary.changed.v1"
    )
}


def _page_facts() -> list[dict[str, Any]]:
    """The page's events as the same facts as the committed file."""
    return [
        {
            "event_type": entry.event_type,
            "signal_name": entry.signal_name,
            "event_key_field": entry.event_key_field,
            "warnings": [warning for warning in entry.warnings if BUS_CLAIM not in warning],
            "stale_bus_warning": any(BUS_CLAIM in warning for warning in entry.warnings),
        }
        for entry in PAGE
    ]


@needs_page
def test_the_committed_facts_are_those_of_the_catalog_page() -> None:
    """The committed copy says what the page says, event by event, in page order."""
    assert FACTS["page"] == _page_facts()


def test_the_facts_count_63_page_events_and_12_further() -> None:
    """63 events on the page (seven with a stale bus warning), 12 more in the reference."""
    assert len(FACTS["page"]) == 63
    assert sum(event["stale_bus_warning"] for event in FACTS["page"]) == 7
    assert len(FACTS["further"]) == 12


@pytest.fixture(scope="module")
def pages() -> dict[str, list[TextEntry]]:
    """The generated rst and Markdown pages, read back into entries."""
    catalog = build_catalog()
    return {
        "rst": rst_entries(render_text(catalog, "rst")),
        "md": markdown_entries(render_text(catalog, "md")),
    }


def _by_type(entries: list[TextEntry]) -> dict[str, TextEntry]:
    found: dict[str, TextEntry] = {}
    for entry in entries:
        for name in (entry.event_type, *entry.aliases):
            assert name not in found, f"{name} is listed twice"
            found[name] = entry
    return found


SOURCES = ["committed"] + (["page"] if PAGE else [])


@pytest.mark.parametrize("output", ["rst", "md"])
@pytest.mark.parametrize("source", SOURCES)
def test_the_generated_page_lists_exactly_the_catalog_events(
    pages: dict[str, list[TextEntry]], output: str, source: str
) -> None:
    """75 entries: the page's 63 with their facts, then 12 more; nothing else."""
    page_events = FACTS["page"] if source == "committed" else _page_facts()
    entries = pages[output]
    assert len(entries) == 75
    by_type = _by_type(entries)
    for expected in page_events:
        entry = by_type[expected["event_type"]]
        assert entry.value("Signal name") == expected["signal_name"]
        assert entry.value("Event key field") == expected["event_key_field"]
        assert list(entry.warnings) == expected["warnings"], expected["signal_name"]
        assert (entry.value("Event bus") or "").startswith("travels on the event bus")
    for expected in FACTS["further"]:
        entry = by_type[expected["event_type"]]
        assert entry.value("Signal name") == expected["signal_name"]
        assert entry.value("Event key field") == expected["event_key_field"]
        assert entry.warnings == ()
    listed = {entry.value("Signal name") for entry in entries}
    assert listed == {e["signal_name"] for e in [*page_events, *FACTS["further"]]}


@pytest.mark.parametrize("output", ["rst", "md"])
def test_the_persistent_grade_event_is_listed_under_both_spellings(
    pages: dict[str, list[TextEntry]], output: str
) -> None:
    """Titled by the type it is sent under; the page's spelling is its other name."""
    for page_spelling, wire in WIRE_SPELLING.items():
        (entry,) = [entry for entry in pages[output] if entry.event_type == wire]
        assert entry.aliases == (page_spelling,)
        assert entry.value("Signal name") == "PERSISTENT_GRADE_SUMMARY_CHANGED"
        assert page_spelling not in {entry.event_type for entry in pages[output]}


@pytest.mark.parametrize("output", ["rst", "md"])
def test_entries_follow_the_page_structure(pages: dict[str, list[TextEntry]], output: str) -> None:
    """Sorted by subdomain, subject and type; each says where it is defined and its data."""
    entries = pages[output]
    keys = [(e.event_type.split(".")[2], e.event_type.split(".")[3], e.event_type) for e in entries]
    assert keys == sorted(keys)
    for entry in entries:
        assert entry.value("Event data")
        where = entry.fields["Defined at"]
        assert where.startswith("`")
        assert "(line " in where
