"""Shared fixtures: the whole catalog is loaded once for every test."""

from typing import Any

import pytest

from golden_data import signals
from openedx_events.tooling import load_all_signals

load_all_signals()


@pytest.fixture(scope="session")
def reference_events() -> list[dict[str, Any]]:
    """The reference's signals, from the golden wire data (tests/golden)."""
    return signals()
