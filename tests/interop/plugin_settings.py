"""Django settings of the interop tests: a service with one of the reference's bus plugins.

The child process reads its variant from the environment: ``INTEROP_PLUGIN`` (``redis`` or
``kafka``), ``INTEROP_REDIS_URL``, ``INTEROP_TOPIC_PREFIX`` (unique per test run) and, for
Kafka, ``INTEROP_SCHEMA_REGISTRY_URL``.
"""

import os

PLUGIN = os.environ["INTEROP_PLUGIN"]

SECRET_KEY = "interop-tests-only"
USE_TZ = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
INSTALLED_APPS = ["openedx_events", f"edx_event_bus_{PLUGIN}"]
EVENTS_SERVICE_NAME = "interop"

#: The events the tests send, each routed to the one topic ``events`` (under the prefix).
ROUTED_EVENTS = {
    "org.openedx.learning.course.enrollment.created.v1": "enrollment.course.course_key",
    "org.openedx.learning.auth.session.login.completed.v1": "user.pii.username",
    "org.openedx.content_authoring.xblock.published.v1": "xblock_info.usage_key",
    "org.openedx.content_authoring.course.catalog_info.changed.v1": "catalog_info.course_key",
}
EVENT_BUS_PRODUCER_CONFIG = {
    event_type: {"events": {"event_key_field": key_field, "enabled": True}}
    for event_type, key_field in ROUTED_EVENTS.items()
}
EVENT_BUS_TOPIC_PREFIX = os.environ["INTEROP_TOPIC_PREFIX"]

if PLUGIN == "redis":
    EVENT_BUS_PRODUCER = "edx_event_bus_redis.create_producer"
    EVENT_BUS_CONSUMER = "edx_event_bus_redis.RedisEventConsumer"
    EVENT_BUS_REDIS_CONNECTION_URL = os.environ["INTEROP_REDIS_URL"]
    EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT = 1  # seconds; the consume loop checks for its stop
else:
    EVENT_BUS_PRODUCER = "edx_event_bus_kafka.create_producer"
    EVENT_BUS_CONSUMER = "edx_event_bus_kafka.KafkaEventConsumer"
    # Nothing listens at port 9: start-up builds the producer, which connects only when used;
    # the serializers reach the registry a test starts.
    EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9"
    EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL = os.environ.get(
        "INTEROP_SCHEMA_REGISTRY_URL", "http://127.0.0.1:9"
    )
