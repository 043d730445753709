"""The in-memory event bus: process-local, for tests and for trying things out.

``EVENT_BUS_PRODUCER = "openedx_events.event_bus.memory.create_producer"`` and
``EVENT_BUS_CONSUMER = "openedx_events.event_bus.memory.create_consumer"`` make every producer
and consumer of the process share :func:`default_backend`.
"""

from openedx_events.event_bus.memory._backend import (
    MemoryBackend,
    create_consumer,
    create_producer,
    default_backend,
)

__all__ = ["MemoryBackend", "create_consumer", "create_producer", "default_backend"]
