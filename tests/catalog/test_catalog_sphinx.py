"""A Sphinx project embeds the catalog with ``.. openedxevents::`` (a real sphinx-build)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from catalog_plugin import PLUGIN_SOURCE

CONF = 'project = "catalog"\nextensions = ["openedx_events.catalog.sphinx"]\n'
INDEX = """\
Events
######

This is the list of Open edX events found in this repository.

.. openedxevents::
"""
PLUGIN_PAGE = """\
:orphan:

Plugin events
#############

.. openedxevents::
   :modules: catalog_sphinx_plugin.signals
   :defined-in: catalog_sphinx_plugin
"""


def _project(root: Path, index: str = INDEX) -> Path:
    source = root / "docs"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.rst").write_text(index, encoding="utf-8")
    (source / "plugin.rst").write_text(PLUGIN_PAGE, encoding="utf-8")
    plugin = root / "plugin_src" / "catalog_sphinx_plugin"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text("", encoding="utf-8")
    (plugin / "signals.py").write_text(textwrap.dedent(PLUGIN_SOURCE), encoding="utf-8")
    return source


def _sphinx_build(root: Path, builder: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "plugin_src")}
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", builder, "docs", f"out-{builder}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def text_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built with the text builder, warnings as errors: its output directory."""
    root = tmp_path_factory.mktemp("sphinx")
    _project(root)
    done = _sphinx_build(root, "text")
    assert done.returncode == 0, done.stderr
    return root / "out-text"


def test_the_directive_renders_every_event_with_no_warning(text_build: Path) -> None:
    """With warnings as errors, the text build lists the 75 events by subdomain and subject."""
    text = (text_build / "index.txt").read_text("utf-8")
    titles = [line for line in text.splitlines() if line.startswith("org.openedx.")]
    assert len(titles) == 75
    assert "Architectural subdomain: learning" in text
    assert "Subject: course" in text
    assert '"COURSE_ENROLLMENT_CREATED"' in text
    assert "plugin_badges" not in text  # the plugin is imported by the other page only


def test_a_plugin_page_shows_only_the_plugins_events(text_build: Path) -> None:
    """``:modules:`` imports the plugin, ``:defined-in:`` keeps its events."""
    text = (text_build / "plugin.txt").read_text("utf-8")
    titles = [line for line in text.splitlines() if line.startswith("org.openedx.")]
    assert titles == [
        "org.openedx.plugin_badges.badge.awarded.v1",
        "org.openedx.plugin_badges.handle.opened.v1",
    ]
    assert "catalog_sphinx_plugin/signals.py" in text
    assert "cannot travel on the event bus" in text


def test_the_html_build_links_each_event_by_its_type(tmp_path: Path) -> None:
    """Each event is a section with an anchor, so other pages can link to it."""
    _project(tmp_path)
    done = _sphinx_build(tmp_path, "html")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "out-html" / "index.html").read_text("utf-8")
    assert 'id="org-openedx-learning-course-enrollment-created-v1"' in html


def test_a_module_that_fails_to_import_is_a_build_error_naming_it(tmp_path: Path) -> None:
    """The directive reports the module; the build fails under -W."""
    index = "Events\n######\n\n.. openedxevents::\n   :modules: no_such_plugin.signals\n"
    _project(tmp_path, index)
    done = _sphinx_build(tmp_path, "text")
    assert done.returncode != 0
    assert "cannot import no_such_plugin.signals" in done.stderr
