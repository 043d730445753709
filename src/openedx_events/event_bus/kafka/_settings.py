"""The Kafka bus's settings, named as edx-event-bus-kafka names them.

``EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS`` (required), ``EVENT_BUS_KAFKA_API_KEY`` and
``EVENT_BUS_KAFKA_API_SECRET`` (SASL/PLAIN over TLS when both are set),
``EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL`` (required) with ``EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_KEY``
and ``EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_SECRET``; ``EVENT_BUS_TOPIC_PREFIX`` applies as on
every bus. ``EVENT_BUS_KAFKA_EXTRA_CONFIG`` (a dict) is passed to librdkafka as it is, and
``EVENT_BUS_KAFKA_CONSUMER_CONFIG`` to consumers only; ``EVENT_BUS_KAFKA_TOPIC_PARTITIONS`` is
the partition count of the topics the bus creates (1 by default; production topics are
usually created by their operators).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.errors import EventBusStorageError

__all__ = ["KafkaConfigurationError", "client_config", "confluent_kafka", "registry_client"]


class KafkaConfigurationError(EventBusStorageError):
    """The Kafka bus cannot be used: its library is missing or a setting is absent or wrong."""


def confluent_kafka() -> ModuleType:
    """The confluent-kafka module, or an error that says which extra installs it.

    Raises:
        KafkaConfigurationError: confluent-kafka is not installed.
    """
    try:
        import confluent_kafka as module  # noqa: PLC0415  (an optional extra)
        import confluent_kafka.schema_registry  # noqa: PLC0415  (its registry client)
    except ImportError as error:
        raise KafkaConfigurationError(
            "the Kafka bus needs confluent-kafka and its Schema Registry client: "
            "pip install 'openedx-events[kafka]'"
        ) from error
    return module


def _required(name: str) -> str:
    value = get_setting(name)
    if not value:
        raise KafkaConfigurationError(f"the Kafka bus needs the setting {name}")
    return str(value)


def client_config() -> dict[str, Any]:
    """librdkafka settings shared by producers and consumers.

    Raises:
        KafkaConfigurationError: ``EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS`` is not set.
    """
    config: dict[str, Any] = {
        "bootstrap.servers": _required("EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS"),
    }
    service = get_setting("EVENTS_SERVICE_NAME") or get_setting("SERVICE_VARIANT")
    if service:
        config["client.id"] = str(service)
    key, secret = get_setting("EVENT_BUS_KAFKA_API_KEY"), get_setting("EVENT_BUS_KAFKA_API_SECRET")
    if key and secret:
        config.update(
            {
                "sasl.mechanism": "PLAIN",
                "security.protocol": "SASL_SSL",
                "sasl.username": key,
                "sasl.password": secret,
            }
        )
    extra = get_setting("EVENT_BUS_KAFKA_EXTRA_CONFIG") or {}
    if not isinstance(extra, dict):
        raise KafkaConfigurationError("EVENT_BUS_KAFKA_EXTRA_CONFIG must be a dict")
    config.update(extra)
    return config


def registry_client() -> Any:
    """A Schema Registry client for ``EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL``.

    Raises:
        KafkaConfigurationError: the URL is not set, or confluent-kafka is missing.
    """
    confluent_kafka()
    from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: PLC0415

    config = {"url": _required("EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL")}
    key = get_setting("EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_KEY", "")
    secret = get_setting("EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_SECRET", "")
    if key or secret:
        config["basic.auth.user.info"] = f"{key}:{secret}"
    return SchemaRegistryClient(config)
