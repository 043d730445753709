"""Fixtures of the command-line tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openedx_events._private.settings import reset_configuration


@pytest.fixture
def bus_db(tmp_path: Path) -> Iterator[Path]:
    """A fresh SQLite bus file; the settings ``--db`` changed in this process are undone."""
    yield tmp_path / "bus.sqlite3"
    reset_configuration()
