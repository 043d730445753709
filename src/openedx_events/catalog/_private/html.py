"""The catalog as a static site: an index with search and filters, and a page per event.

The pages are plain files with relative links, their script and style sheet beside them
(``assets/``), so any static host serves them and they work offline, opened from disk. Every
event is in the index's markup; the script only hides the ones a search or filter leaves out.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from openedx_events.catalog._private.model import Catalog, EventEntry
from openedx_events.catalog._private.text import INTRODUCTION, NOTE, TITLE, bus_text, data_text

__all__ = ["ASSETS", "event_page_name", "render_site", "write_site"]

ASSETS = ("catalog.css", "catalog.js")
_LINK = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)]")


def event_page_name(event: EventEntry) -> str:
    """The event's page, relative to the site root."""
    return f"events/{event.event_type}.html"


def render_site(catalog: Catalog) -> dict[str, str]:
    """Every file of the site, by relative path, as text."""
    files = {"index.html": _index(catalog)}
    for event in catalog.events:
        files[event_page_name(event)] = _event_page(catalog, event)
    for name in ASSETS:
        files[f"assets/{name}"] = (
            resources.files("openedx_events.catalog._private")
            .joinpath("assets", name)
            .read_text(encoding="utf-8")
        )
    return files


def write_site(catalog: Catalog, out: Path) -> list[Path]:
    """Write the site into ``out``; return the files written."""
    written = []
    for relative, text in render_site(catalog).items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _dotted(name: str) -> str:
    """An escaped dotted name that may wrap after its dots, not inside its words."""
    return ".<wbr>".join(_e(part) for part in name.split("."))


def _path(path: str) -> str:
    """An escaped file path that may wrap after its slashes."""
    return "/<wbr>".join(_e(part) for part in path.split("/"))


def _prose(text: str) -> str:
    """Escaped text, with rst ````literal```` and ``**strong**`` spans, addresses as links."""
    escaped = _e(text)
    escaped = re.sub(r"``(.+?)``", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return _LINK.sub(lambda match: f'<a href="{match[0]}">{match[0]}</a>', escaped)


def _page(title: str, body: str, root: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<link rel="stylesheet" href="{root}assets/catalog.css">
</head>
<body>
{body}
</body>
</html>
"""


def _badges(event: EventEntry) -> str:
    badges = [f'<span class="badge">{_e(event.subdomain)}</span>']
    if event.deprecated:
        badges.append('<span class="badge badge-warn">deprecated</span>')
    if not event.bus_compatible:
        badges.append('<span class="badge badge-warn">not on the bus</span>')
    badges += [f'<span class="badge badge-topic">{_e(topic)}</span>' for topic in event.topics]
    return " ".join(badges)


def _search_text(event: EventEntry) -> str:
    words = [event.event_type, *event.aliases, event.signal_name or "", event.description]
    words += [name for _, name in event.data] + [row.path for row in event.fields]
    return " ".join(words).lower()


def _index(catalog: Catalog) -> str:
    subdomains = sorted({event.subdomain for event in catalog.events})
    topic_options = "".join(f'<option value="{_e(t)}">{_e(t)}</option>' for t in catalog.topics)
    items = []
    for event in catalog.events:
        items.append(
            f'<li class="event" data-subdomain="{_e(event.subdomain)}"'
            f' data-deprecated="{str(event.deprecated).lower()}"'
            f" data-topics='{_e(json.dumps(list(event.topics)))}'"
            f' data-search="{_e(_search_text(event))}">'
            f'<a class="event-link" href="{_e(event_page_name(event))}">'
            f'<code class="event-type">{_dotted(event.event_type)}</code></a>'
            f'<p class="signal">{_e(event.signal_name or "")}</p>'
            f'<p class="description">{_prose(event.description)}</p>'
            f'<p class="badges">{_badges(event)}</p></li>'
        )
    subdomain_options = "".join(f'<option value="{_e(s)}">{_e(s)}</option>' for s in subdomains)
    body = f"""<header class="top"><h1>Open edX {TITLE}</h1>
<p>{_e(INTRODUCTION)} {_e(NOTE)} Version {_e(catalog.version)}.</p></header>
<main>
<form class="filters" role="search" onsubmit="return false">
<label class="search">Search <input id="search" type="search" autocomplete="off"
 placeholder="event type, signal, data field&hellip;"></label>
<label>Subdomain <select id="subdomain"><option value="">all</option>
{subdomain_options}</select></label>
<label>Deprecation <select id="deprecation"><option value="">all</option>
<option value="current">current only</option><option value="deprecated">deprecated only</option>
</select></label>
<label>Topic <select id="topic"><option value="">all</option>
<option value="*">sent to some topic</option><option value="-">sent to no topic</option>
{topic_options}</select></label>
</form>
<p id="count" aria-live="polite">{len(catalog.events)} of {len(catalog.events)} events</p>
<ol id="events" class="events">
{chr(10).join(items)}
</ol>
<p id="empty" hidden>No event matches.</p>
</main>
<script src="assets/catalog.js"></script>"""
    return _page(f"Open edX {TITLE}", body, "")


def _row(name: str, value: str) -> str:
    return f"<dt>{_e(name)}</dt><dd>{value}</dd>"


def _overview(event: EventEntry) -> str:
    rows = [_row("Description", _prose(event.description or "(none)"))]
    if event.signal_name:
        rows.append(_row("Signal name", f"<code>{_e(event.signal_name)}</code>"))
    if event.event_key_field:
        rows.append(_row("Event key field", f"<code>{_e(event.event_key_field)}</code>"))
    rows.append(_row("Event data", f"<code>{_e(data_text(event))}</code>"))
    if event.defined_at is not None:
        where = event.defined_at
        rows.append(_row("Defined at", f"<code>{_path(where.path)}</code> (line {where.line})"))
    if event.aliases:
        aliases = ", ".join(f"<code>{_e(alias)}</code>" for alias in event.aliases)
        rows.append(_row("Also known as", aliases))
    rows.append(_row("Minor version", _e(event.minor_version)))
    rows.append(_row("Event bus", _e(bus_text(event))))
    return f'<dl class="overview">{"".join(rows)}</dl>'


def _table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], cls: str) -> str:
    head = "".join(f"<th>{_e(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<div class="table-wrap"><table class="{cls}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _fields(event: EventEntry) -> str:
    rows = []
    for row in event.fields:
        name = row.path.rsplit(".", 1)[-1]
        path = f'<code class="field" style="--depth: {row.depth}" title="{_e(row.path)}">'
        notes = "optional" if row.optional else "required"
        if row.default is not None:
            notes += f", default <code>{_e(row.default)}</code>"
        if row.record:
            notes += f"<br>{_e(row.record)}"
        rows.append(
            (f"{path}{_e(name)}</code>", f'<code class="type">{_e(row.type)}</code>', notes)
        )
    return _table(("Field", "Type", "Notes"), rows, "fields")


def _routes(catalog: Catalog, event: EventEntry) -> str:
    if not event.routes:
        configured = "no topic" if catalog.topics else "no event to any topic"
        return f"<p>The current <code>EVENT_BUS_PRODUCER_CONFIG</code> sends {configured}.</p>"
    rows = [
        (
            f"<code>{_e(route.topic)}</code>",
            f"<code>{_e(route.event_key_field)}</code>" if route.event_key_field else "none",
            "yes" if route.enabled else "no",
        )
        for route in event.routes
    ]
    return _table(("Topic", "Key field", "Enabled"), rows, "routes")


def _history(event: EventEntry) -> str:
    status = event.snapshot_status or "none"
    parts = [f"<p>The generated schema against the snapshot: <strong>{_e(status)}</strong>.</p>"]
    if event.schema_history:
        rows = [
            (
                f"<code>{_e(revision.commit)}</code>",
                _e(revision.date),
                _e(revision.change)
                + "".join(f"<br><small>{_e(detail)}</small>" for detail in revision.details),
                _e(revision.summary),
            )
            for revision in event.schema_history
        ]
        parts.append(_table(("Commit", "Date", "Change", "Summary"), rows, "history"))
    else:
        parts.append("<p>No recorded revisions of the snapshot file.</p>")
    return "".join(parts)


def _code_block(value: object, empty: str) -> str:
    if value is None:
        return f"<p>{_e(empty)}</p>"
    return f'<pre class="code"><code>{_e(json.dumps(value, indent=2))}</code></pre>'


def _event_page(catalog: Catalog, event: EventEntry) -> str:
    warnings = "".join(
        f'<div class="warning" role="note"><strong>Warning</strong><p>{_prose(w)}</p></div>'
        for w in event.warnings
    )
    sections = [
        ("overview", "Overview", _overview(event) + warnings),
        ("topics", "Topics", _routes(catalog, event)),
        ("fields", "Data fields", _fields(event)),
        ("schema", "Avro schema", _code_block(event.avro_schema, event.bus_problem or "")),
        ("sample", "Sample CloudEvent", _code_block(event.sample, "No sample.")),
        ("history", "Schema history", _history(event)),
    ]
    body = "".join(
        f'<section id="{key}"><h2>{_e(title)}</h2>{content}</section>'
        for key, title, content in sections
    )
    crumbs = f"{_e(event.subdomain)} &rsaquo; {_e(event.subject)}"
    return _page(
        event.event_type,
        f"""<header class="top"><p><a href="../index.html">&larr; All events</a></p>
<p class="crumbs">{crumbs}</p><h1><code class="event-type">{_dotted(event.event_type)}</code></h1>
<p class="badges">{_badges(event)}</p></header>
<main class="detail">{body}</main>""",
        "../",
    )
