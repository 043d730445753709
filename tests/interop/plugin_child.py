"""Runs inside the Python 3.12 virtualenv that holds this package and the reference's plugins.

``python plugin_child.py startup`` starts the Django project of ``plugin_settings`` and reports
what the plugin's app and our loaders gave; ``python plugin_child.py redis-roundtrip N`` sends N
events of each routed type through edx-event-bus-redis's producer and consumer and reports, event
by event, whether the receivers got the data and metadata that were sent; ``python
plugin_child.py kafka-serialize`` has edx-event-bus-kafka's producer build its key and value
serializers for each routed type and reports the bytes they make of a sample event (against the
Schema Registry at ``EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL``). The report is one JSON line on
stdout.
"""

# Django and the package are imported after django.setup(), inside each command.
# ruff: noqa: PLC0415

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plugin_settings")


def _startup() -> dict[str, Any]:
    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    import openedx_events
    from openedx_events.event_bus import get_producer

    call_command("check")
    plugin = f"edx_event_bus_{settings.PLUGIN}"
    config = apps.get_app_config(plugin)
    producer = get_producer()
    return {
        "openedx_events": os.path.dirname(openedx_events.__file__),
        "version": openedx_events.__version__,
        "apps_ready": apps.ready,
        "plugin_app": type(config).__module__,
        "producer": f"{type(producer).__module__}.{type(producer).__qualname__}",
    }


def _redis_roundtrip(per_type: int) -> dict[str, Any]:
    django.setup()
    from django.conf import settings

    from openedx_events.event_bus import make_single_consumer
    from openedx_events.samples import sample_event_data
    from openedx_events.tooling import OpenEdxPublicSignal

    signals = [OpenEdxPublicSignal.get_signal_by_type(t) for t in settings.ROUTED_EVENTS]
    expected = per_type * len(signals)
    sent: list[tuple[Any, dict[str, Any]]] = []
    received: list[tuple[Any, dict[str, Any]]] = []
    # Built before anything is sent: its consumer group then starts at the stream's end.
    consumer = make_single_consumer(topic="events", group_id="interop", consumer_name="child")

    def record(signal: Any, sender: Any, metadata: Any, from_event_bus: bool, **data: Any) -> None:
        (received if from_event_bus else sent).append((metadata, data))
        if len(received) == expected:
            consumer._shut_down()  # the plugin's own way out of its loop

    for signal in signals:
        signal.connect(record, weak=False)
    for index in range(per_type):
        for signal in signals:
            signal.send_event(**sample_event_data(signal, index))
    watchdog = threading.Timer(60, consumer._shut_down)
    watchdog.start()
    try:
        consumer.consume_indefinitely()
    finally:
        watchdog.cancel()
    return {
        "sent": [metadata.event_type for metadata, _ in sent],
        "received": [metadata.event_type for metadata, _ in received],
        "compared": [
            {
                "event_type": sent_metadata.event_type,
                "same_metadata": sent_metadata == got_metadata,
                "same_data": sent_data == got_data,
                "sent": repr((sent_metadata, sent_data)),
                "received": repr((got_metadata, got_data)),
            }
            for (sent_metadata, sent_data), (got_metadata, got_data) in zip(
                sent, received, strict=False
            )
        ],
    }


def _kafka_serialize() -> dict[str, Any]:
    django.setup()
    from confluent_kafka.serialization import MessageField, SerializationContext
    from django.conf import settings
    from edx_event_bus_kafka.internal.config import get_full_topic
    from edx_event_bus_kafka.internal.producer import extract_event_key, get_serializers

    from openedx_events.samples import sample_event_data
    from openedx_events.tooling import OpenEdxPublicSignal

    topic = get_full_topic("events")
    serialized = []
    for event_type, key_field in settings.ROUTED_EVENTS.items():
        signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
        data = sample_event_data(signal, 0)
        key_serializer, value_serializer = get_serializers(signal, key_field)
        key = extract_event_key(data, key_field)
        serialized.append(
            {
                "event_type": event_type,
                "key_field": key_field,
                "key": key_serializer(key, SerializationContext(topic, MessageField.KEY)).hex(),
                "value": value_serializer(
                    data, SerializationContext(topic, MessageField.VALUE)
                ).hex(),
            }
        )
    return {"topic": topic, "serialized": serialized}


def main() -> None:
    command = sys.argv[1]
    if command == "startup":
        report = _startup()
    elif command == "redis-roundtrip":
        report = _redis_roundtrip(int(sys.argv[2]))
    elif command == "kafka-serialize":
        report = _kafka_serialize()
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
