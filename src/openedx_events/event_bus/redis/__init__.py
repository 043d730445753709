"""The Redis Streams event bus, sharing streams with the reference's Redis bus.

``EVENT_BUS_PRODUCER = "openedx_events.event_bus.redis.create_producer"`` and
``EVENT_BUS_CONSUMER = "openedx_events.event_bus.redis.create_consumer"`` with
``EVENT_BUS_REDIS_CONNECTION_URL`` (``redis://``, ``rediss://`` for TLS; a user name and
password in the URL). It needs the extra ``openedx-events[redis]``.
"""

from openedx_events.event_bus.redis._backend import DEFAULT_MAX_PAYLOAD, RedisBackend
from openedx_events.event_bus.redis._factory import (
    DEFAULT_STREAM_MAX_LEN,
    backend_from_settings,
    create_consumer,
    create_producer,
)
from openedx_events.event_bus.redis._ids import StreamId

__all__ = [
    "DEFAULT_MAX_PAYLOAD",
    "DEFAULT_STREAM_MAX_LEN",
    "RedisBackend",
    "StreamId",
    "backend_from_settings",
    "create_consumer",
    "create_producer",
]
