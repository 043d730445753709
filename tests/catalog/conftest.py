"""Fixtures of the catalog tests: a plugin that defines an event of its own."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from openedx_events._private.registry import default_registry
from openedx_events._private.signal import OpenEdxPublicSignal

PLUGIN_SOURCE = '''
"""Signals of a plugin installed beside the platform."""

from typing import Any

import attrs

from openedx_events.tooling import OpenEdxPublicSignal


@attrs.frozen
class BadgeData:
    """A badge a learner earned."""

    slug: str
    points: int = 0


@attrs.frozen
class OpaqueData:
    """Data holding an object that has no Avro form."""

    handle: Any


BADGE_AWARDED = OpenEdxPublicSignal(
    event_type="org.openedx.plugin_badges.badge.awarded.v1",
    data={"badge": BadgeData},
    signal_name="BADGE_AWARDED",
    event_key_field="badge.slug",
    description="Sent when a learner earns a badge.",
)

HANDLE_OPENED = OpenEdxPublicSignal(
    event_type="org.openedx.plugin_badges.handle.opened.v1",
    data={"opaque": OpaqueData},
    signal_name="HANDLE_OPENED",
    description="Sent when a handle opens; it never leaves the process.",
)
'''


@pytest.fixture
def plugin(tmp_path: Path) -> Iterator[ModuleType]:
    """The module ``catalog_test_plugin.signals``, imported from a package under tmp_path."""
    package = tmp_path / "plugin_src" / "catalog_test_plugin"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "signals.py").write_text(textwrap.dedent(PLUGIN_SOURCE), encoding="utf-8")
    sys.path.insert(0, str(package.parent))
    try:
        yield importlib.import_module("catalog_test_plugin.signals")
    finally:
        sys.path.remove(str(package.parent))
        for name in [name for name in sys.modules if name.startswith("catalog_test_plugin")]:
            module = sys.modules.pop(name)
            for value in vars(module).values():
                if isinstance(value, OpenEdxPublicSignal):
                    default_registry.unregister(value)
