"""The embedded event bus: durable topics and consumer groups in one SQLite file.

It is one setting away: with ``EVENT_BUS_PRODUCER`` and ``EVENT_BUS_CONSUMER`` unset, producers
and consumers use the file named by ``EVENT_BUS_SQLITE_PATH`` (named explicitly, the factories
fall back to ``openedx-events.db`` in the working directory, as the command line does). Any
number of processes may share the file.
"""

from openedx_events.event_bus.sqlite._backend import DEFAULT_BUSY_TIMEOUT, SqliteBackend
from openedx_events.event_bus.sqlite._factory import (
    DEFAULT_PATH,
    backend_from_settings,
    create_consumer,
    create_producer,
)

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "DEFAULT_PATH",
    "SqliteBackend",
    "backend_from_settings",
    "create_consumer",
    "create_producer",
]
