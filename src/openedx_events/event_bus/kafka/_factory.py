"""Building the Kafka bus from the settings (see :mod:`._settings` for their names)."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.consumer import BusConsumer
from openedx_events.event_bus._private.producer import BusProducer
from openedx_events.event_bus._private.spool import spool_from_settings
from openedx_events.event_bus.kafka._backend import KafkaBackend
from openedx_events.event_bus.kafka._settings import client_config, registry_client

__all__ = ["backend_from_settings", "close_backends", "create_consumer", "create_producer"]

_backends: dict[str, KafkaBackend] = {}
_lock = threading.Lock()


def backend_from_settings() -> KafkaBackend:
    """One backend per cluster and registry configuration in this process.

    Without ``EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL`` the backend can be inspected, but
    writing or reading an event raises :class:`KafkaConfigurationError`.

    Raises:
        KafkaConfigurationError: the bootstrap servers are not set, or confluent-kafka is
            not installed.
    """
    config = client_config()
    registry_url = str(get_setting("EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL") or "")
    partitions = int(get_setting("EVENT_BUS_KAFKA_TOPIC_PARTITIONS", 1))
    key = repr((sorted(config.items()), registry_url, partitions))  # one per configuration
    with _lock:
        backend = _backends.get(key)
        if backend is None:
            consumer_config = get_setting("EVENT_BUS_KAFKA_CONSUMER_CONFIG") or {}
            registry = registry_client() if registry_url else None
            backend = _backends[key] = KafkaBackend(
                config, registry, partitions=partitions, consumer_config=consumer_config
            )
        return backend


def close_backends() -> None:
    """Close the backends built from the settings so far (after the settings changed)."""
    with _lock:
        backends = list(_backends.values())
        _backends.clear()
    for backend in backends:
        backend.close()


def create_producer() -> BusProducer:
    """A producer on the Kafka bus (``EVENT_BUS_PRODUCER`` names this function).

    Each send returns once the broker acknowledged the event; what it did not acknowledge
    raises, or waits in the spool of ``EVENT_BUS_SPOOL_PATH`` when that is set.
    """
    backend = backend_from_settings()
    return BusProducer(backend, spool=spool_from_settings(backend))


def create_consumer(*, topic: str, group_id: str, **kwargs: Any) -> BusConsumer:
    """A consumer on the Kafka bus (``EVENT_BUS_CONSUMER`` names this function).

    ``offset_time`` may be given as ISO 8601 text, as the reference's ``consume_events
    --extra`` passes it; the consumer then replays every partition from that time.
    """
    offset_time = kwargs.get("offset_time")
    if isinstance(offset_time, str):
        kwargs["offset_time"] = datetime.fromisoformat(offset_time)
    return BusConsumer(backend_from_settings(), topic=topic, group_id=group_id, **kwargs)
