"""Shared fixtures: the whole catalog is loaded once for every test."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _redis_server import REDIS_SERVER, RedisServer
from openedx_events.tooling import load_all_signals

load_all_signals()

#: Facts about the reference implementation, beside the repository (never copied into it).
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "shared" / "reference"
#: The catalog page the events are documented on.
CATALOG_PAGE = Path(__file__).resolve().parents[2] / "shared" / "spec" / "000_97fdc21df01d4e1c.txt"


def _load_reference(name: str) -> Any:
    path = REFERENCE_DIR / name
    if not path.exists():
        pytest.skip(f"reference data {path} is not available (it lives beside the repository)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def reference_events() -> list[dict[str, Any]]:
    """events.json of the reference data: one entry per signal of the reference."""
    events: list[dict[str, Any]] = _load_reference("events.json")
    return events


@pytest.fixture(scope="session")
def reference_data_classes() -> dict[str, Any]:
    """data_classes.json of the reference data: the data classes and their fields."""
    classes: dict[str, Any] = _load_reference("data_classes.json")
    return classes


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server of the test session's own, on a free port."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The URL of the session's redis-server, emptied for this test."""
    import redis  # noqa: PLC0415  (the optional dependency, installed with the dev extra)

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()  # the session's own server: nobody else's data
    client.close()
    return redis_server.url
