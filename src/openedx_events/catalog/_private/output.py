"""The output formats, and writing one of them into a directory."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from openedx_events.catalog._private.asyncapi import external_schemas, render_asyncapi
from openedx_events.catalog._private.html import write_site
from openedx_events.catalog._private.markdown import render_markdown
from openedx_events.catalog._private.model import Catalog
from openedx_events.catalog._private.rst import render_rst

__all__ = ["FORMATS", "render_text", "write_catalog"]

# format -> (file name, renderer) for the formats that are one text file.
_TEXT: dict[str, tuple[str, Callable[[Catalog], str]]] = {
    "rst": ("events.rst", render_rst),
    "md": ("events.md", render_markdown),
    "asyncapi": ("asyncapi.json", render_asyncapi),
}
FORMATS = ("rst", "md", "html", "asyncapi")


def render_text(catalog: Catalog, output_format: str) -> str:
    """The catalog in a one-file format: ``rst``, ``md`` or ``asyncapi``."""
    if output_format not in _TEXT:
        raise ValueError(f"{output_format!r} is not a one-file format ({', '.join(_TEXT)})")
    return _TEXT[output_format][1](catalog)


def write_catalog(catalog: Catalog, output_format: str, out: Path) -> list[Path]:
    """Write the catalog in ``output_format`` into directory ``out``; return the files.

    ``rst`` writes ``events.rst``, ``md`` ``events.md``, ``asyncapi`` ``asyncapi.json`` (and
    the ``avro/*.avsc`` files it references), ``html`` a site: ``index.html``,
    ``events/<event type>.html`` and ``assets/``.
    """
    if output_format not in FORMATS:
        raise ValueError(f"unknown format {output_format!r} (choose from {', '.join(FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    if output_format == "html":
        return write_site(catalog, out)
    name, render = _TEXT[output_format]
    path = out / name
    path.write_text(render(catalog), encoding="utf-8")
    written = [path]
    if output_format == "asyncapi":
        for relative, schema in external_schemas(catalog).items():
            schema_path = out / relative
            schema_path.parent.mkdir(parents=True, exist_ok=True)
            schema_path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
            written.append(schema_path)
    return written
