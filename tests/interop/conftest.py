"""Fixtures of the interop tests, which run the reference's side in Python 3.12 virtualenvs.

Two kinds of virtualenv are built on first use: ``bench/.venv-redis-reference`` (edx-event-bus-redis
1.1.2 on openedx-events 11.2.0, by ``bench/redis_reference.py``) and ``bench/.venv-interop`` (this
package with the reference's bus plugins, by ``interop_helpers``). Where no Python 3.12 is found,
the tests are skipped and say so.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
# The Schema Registry double of the Kafka backend's tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "event_bus"))

from interop_helpers import build_plugin_venv
from redis_reference import ReferenceBus

from openedx_events import configure
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus._private.loading import reset_producer

#: The shared Redis; every test works under a stream prefix of its own and deletes it after.
REDIS_URL = "redis://127.0.0.1:6379/0"


def _delete_prefixed(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}-*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


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
    _delete_prefixed(made)


@pytest.fixture
def reference_bus(prefix: str, tmp_path: Path) -> ReferenceBus:
    """The reference's producer and consumer, on the same Redis and prefix as ours."""
    return ReferenceBus(REDIS_URL, prefix, tmp_path)


@pytest.fixture(scope="session")
def plugin_python() -> Path:
    """The interpreter of the virtualenv with this package and the plugins."""
    return build_plugin_venv()


@pytest.fixture
def topic_prefix() -> Iterator[str]:
    """A stream prefix of this test alone; its Redis keys are deleted afterwards."""
    made = f"interop-{uuid.uuid4().hex[:12]}"
    yield made
    _delete_prefixed(made)
