"""Interop with the reference's Redis bus, which runs in a Python 3.12 virtualenv of its own.

The virtualenv (``bench/.venv-redis-reference``: edx-event-bus-redis 1.1.2 on openedx-events
11.2.0) is built on first use by ``bench/redis_reference.py``; where no Python 3.12 is found, the
tests are skipped and say so.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from redis_reference import ReferenceBus, have_python312

from openedx_events import configure
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus._private.loading import reset_producer

#: The shared Redis; every test works under a stream prefix of its own and deletes it after.
REDIS_URL = "redis://127.0.0.1:6379/0"

requires_python312 = pytest.mark.skipif(
    not have_python312(),
    reason="the reference's Redis bus needs Python 3.12 (set REFERENCE_PYTHON to one)",
)


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def prefix() -> Iterator[str]:
    """A stream prefix of this test's own, set as EVENT_BUS_TOPIC_PREFIX on our side."""
    made = f"interop-{uuid.uuid4().hex[:10]}"
    reset_configuration()
    configure(EVENT_BUS_REDIS_CONNECTION_URL=REDIS_URL, EVENT_BUS_TOPIC_PREFIX=made)
    reset_producer()
    yield made
    reset_configuration()
    reset_producer()
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{made}-*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def reference_bus(prefix: str, tmp_path: Path) -> ReferenceBus:
    """The reference's producer and consumer, on the same Redis and prefix as ours."""
    return ReferenceBus(REDIS_URL, prefix, tmp_path)
