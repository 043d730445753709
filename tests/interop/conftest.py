"""Fixtures of the interop tests: the plugins' virtualenv and a Redis stream prefix per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from interop_helpers import build_plugin_venv


@pytest.fixture(scope="session")
def plugin_python() -> Path:
    """The interpreter of the virtualenv with this package and the plugins."""
    return build_plugin_venv()


@pytest.fixture
def topic_prefix() -> Iterator[str]:
    """A stream prefix of this test alone; its Redis keys are deleted afterwards."""
    import redis  # noqa: PLC0415  (a dev dependency, used by these tests only)

    prefix = f"interop-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis(host="127.0.0.1", port=6379)
    keys = list(client.scan_iter(match=f"{prefix}-*"))
    if keys:
        client.delete(*keys)
    client.close()
