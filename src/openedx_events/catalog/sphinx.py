"""Sphinx extension: the ``.. openedxevents::`` directive embeds the generated event catalog.

Add it to a Sphinx project's ``conf.py``::

    extensions = ["openedx_events.catalog.sphinx"]

and write the directive where the catalog goes, below the page's own title::

    .. openedxevents::
       :modules: my_plugin.signals
       :defined-in: my_plugin
       :subdomains: learning, content_authoring

All options are optional: ``modules`` are imported first, so that a plugin's events are
registered; ``defined-in`` keeps the events that modules of those packages define;
``subdomains`` keeps those architectural subdomains. Sphinx is needed only here.
"""

from __future__ import annotations

import importlib
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from openedx_events._private.version import VERSION
from openedx_events.catalog._private.model import build_catalog
from openedx_events.catalog._private.rst import render_rst
from openedx_events.exceptions import OpenEdxEventException

__all__ = ["OpenEdxEventsDirective", "setup"]


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.replace(",", " ").split() if name.strip()]


class OpenEdxEventsDirective(SphinxDirective):
    """Renders the catalog, grouped by subdomain and subject, at the directive's place."""

    has_content = False
    option_spec = {  # noqa: RUF012  (docutils reads this class attribute as is)
        "modules": directives.unchanged,
        "defined-in": directives.unchanged,
        "subdomains": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        """Build the catalog from the registry and parse its reStructuredText here."""
        for name in _names(self.options.get("modules")) or []:
            try:
                importlib.import_module(name)
            except Exception as error:  # a plugin's import failure is reported, not raised
                raise self.error(f"openedxevents: cannot import {name}: {error!r}") from error
        try:
            catalog = build_catalog()
        except OpenEdxEventException as error:
            raise self.error(f"openedxevents: {error}") from error
        catalog = catalog.filtered(
            subdomains=_names(self.options.get("subdomains")),
            defined_in=_names(self.options.get("defined-in")),
        )
        text = render_rst(catalog, title=False)
        source = f"<openedxevents directive in {self.env.docname}>"
        content = StringList(text.splitlines(), source=source)
        holder = nodes.section()
        holder.document = self.state.document
        nested_parse_with_titles(self.state, content, holder)
        return list(holder.children)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("openedxevents", OpenEdxEventsDirective)
    return {"version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
