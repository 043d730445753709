"""The consumer runtime's specification (``test_consumer``), run again on the Redis backend.

Every test of ``test_consumer`` is collected here too, with ``backend`` a Redis backend on the
session's own redis-server and ``clock`` the real clock scaled as in the contract suite.
"""

from __future__ import annotations

import pytest
from _bus_helpers import TIME_SCALE, Clock, ScaledClock
from test_consumer import *  # noqa: F403  (the specification this module runs again)

from openedx_events.event_bus import Backend


@pytest.fixture
def backend(redis_backend: Backend) -> Backend:
    return redis_backend


@pytest.fixture
def clock() -> Clock:
    return ScaledClock(TIME_SCALE)
