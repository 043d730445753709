"""The consumer runtime's specification (``test_consumer``), run again on the Kafka backend.

Every test of ``test_consumer`` is collected here too, with ``backend`` a Kafka backend on a
noida-db broker of the test's own.
"""

from __future__ import annotations

import pytest
from test_consumer import *  # noqa: F403  (the specification this module runs again)

from openedx_events.event_bus import Backend


@pytest.fixture
def backend(kafka_backend: Backend) -> Backend:
    return kafka_backend
