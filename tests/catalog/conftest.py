"""Fixtures of the catalog tests: a plugin that defines an event of its own."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from catalog_plugin import PLUGIN_SOURCE

from openedx_events._private.registry import default_registry
from openedx_events._private.signal import OpenEdxPublicSignal


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
