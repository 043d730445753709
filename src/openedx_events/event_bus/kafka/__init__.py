"""The Kafka bus: topics of a Kafka cluster, in edx-event-bus-kafka's wire format.

Set ``EVENT_BUS_PRODUCER = "openedx_events.event_bus.kafka.create_producer"`` and
``EVENT_BUS_CONSUMER = "openedx_events.event_bus.kafka.create_consumer"``, with
``EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS`` and ``EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL`` (and, for
SASL_SSL, ``EVENT_BUS_KAFKA_API_KEY`` / ``EVENT_BUS_KAFKA_API_SECRET``, plus the registry's
``EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_KEY`` / ``..._API_SECRET``). Services on this package
and services on edx-event-bus-kafka share topics both ways. Needs the ``kafka`` extra:
``pip install 'openedx-events[kafka]'``.
"""

from openedx_events.event_bus.kafka._backend import KafkaBackend
from openedx_events.event_bus.kafka._factory import (
    backend_from_settings,
    close_backends,
    create_consumer,
    create_producer,
)
from openedx_events.event_bus.kafka._producer import UndeliveredEventsError
from openedx_events.event_bus.kafka._settings import KafkaConfigurationError

__all__ = [
    "KafkaBackend",
    "KafkaConfigurationError",
    "UndeliveredEventsError",
    "backend_from_settings",
    "close_backends",
    "create_consumer",
    "create_producer",
]
