"""Shared fixtures: the whole catalog is loaded once for every test."""

from collections.abc import Iterator
from typing import Any

import pytest

from _redis_server import REDIS_SERVER, RedisServer
from golden_data import signals
from openedx_events.tooling import load_all_signals

load_all_signals()


@pytest.fixture(scope="session")
def reference_events() -> list[dict[str, Any]]:
    """The reference's signals, from the golden wire data (tests/golden)."""
    return signals()


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
