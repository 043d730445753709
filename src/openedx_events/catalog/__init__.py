"""The event catalog, generated from the live code: reStructuredText, Markdown, HTML, AsyncAPI.

``build_catalog()`` reads the registry (plugins' events included), and ``write_catalog``
writes one output format into a directory::

    from openedx_events.catalog import build_catalog, write_catalog

    write_catalog(build_catalog(), "html", Path("site"))

Sphinx projects embed the reStructuredText form with the ``openedx_events.catalog.sphinx``
extension and its ``.. openedxevents::`` directive.
"""

from openedx_events.catalog._private.fields_table import FieldRow
from openedx_events.catalog._private.history import SchemaRevision
from openedx_events.catalog._private.location import SourceLocation
from openedx_events.catalog._private.model import Catalog, EventEntry, Route, build_catalog
from openedx_events.catalog._private.output import FORMATS, render_text, write_catalog

__all__ = [
    "FORMATS",
    "Catalog",
    "EventEntry",
    "FieldRow",
    "Route",
    "SchemaRevision",
    "SourceLocation",
    "build_catalog",
    "render_text",
    "write_catalog",
]
