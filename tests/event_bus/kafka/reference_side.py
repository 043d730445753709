"""Runs inside the Python 3.12 virtualenv of edx-event-bus-kafka 6.2.0 on openedx-events 11.2.0.

Usage: ``python reference_side.py INPUT.json OUTPUT.json``. The input names the broker, the
registry and the events (their Avro records and metadata); the script sends them with the
reference's Kafka producer to ``produce_topic``, then consumes ``consume_topic`` with the
reference's Kafka consumer until it has delivered ``consume_count`` events to its receivers,
and writes what the receivers got (Avro records and metadata) to the output file.
"""

import json
import sys
from datetime import datetime
from uuid import UUID

from django.conf import settings

import django

job = json.loads(open(sys.argv[1], encoding="utf-8").read())  # noqa: SIM115
settings.configure(
    DEBUG=False,
    USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes"],
    EVENTS_SERVICE_NAME="reference-kafka",
    EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS=job["bootstrap_servers"],
    EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL=job["registry_url"],
    EVENT_BUS_TOPIC_PREFIX=job["prefix"],
    EVENT_BUS_KAFKA_AUDIT_LOGGING_ENABLED=False,
    LOGGING_CONFIG=None,
)
django.setup()

from edx_event_bus_kafka.internal import consumer as consumer_module  # noqa: E402
from edx_event_bus_kafka.internal.consumer import KafkaEventConsumer  # noqa: E402
from edx_event_bus_kafka.internal.producer import create_producer  # noqa: E402

from openedx_events.data import EventsMetadata  # noqa: E402
from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer  # noqa: E402
from openedx_events.event_bus.avro.serializer import AvroSignalSerializer  # noqa: E402
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals  # noqa: E402

load_all_signals()


def metadata_from(data):
    return EventsMetadata(
        event_type=data["event_type"],
        id=UUID(data["id"]),
        minorversion=data["minorversion"],
        source=data["source"],
        sourcehost=data["sourcehost"],
        time=datetime.fromisoformat(data["time"]),
        sourcelib=tuple(data["sourcelib"]),
    )


def metadata_to(metadata):
    return {
        "event_type": metadata.event_type,
        "id": str(metadata.id),
        "minorversion": metadata.minorversion,
        "source": metadata.source,
        "sourcehost": metadata.sourcehost,
        "time": metadata.time.isoformat(),
        "sourcelib": list(metadata.sourcelib),
    }


producer = create_producer()
for event in job["events"]:
    signal = OpenEdxPublicSignal.get_signal_by_type(event["event_type"])
    producer.send(
        signal=signal,
        topic=job["produce_topic"],
        event_key_field=event["event_key_field"],
        event_data=AvroSignalDeserializer(signal).from_dict(event["record"]),
        event_metadata=metadata_from(event["metadata"]),
    )
producer.prepare_for_shutdown()

# The reference reads only its own settings; a test group must also start from the earliest
# offset (the events were produced before it joined) and give up on a member after 6 s.
_common_settings = consumer_module.load_common_settings
consumer_module.load_common_settings = lambda: {
    **_common_settings(),
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 6000,
}
received = []
consumer = KafkaEventConsumer(job["consume_topic"], job["group"])


def record(signal, sender, **kwargs):
    metadata = kwargs.pop("metadata")
    kwargs.pop("from_event_bus", None)
    received.append(
        {
            "event_type": signal.event_type,
            "record": AvroSignalSerializer(signal).to_dict(kwargs),
            "metadata": metadata_to(metadata),
        }
    )
    if len(received) >= job["consume_count"]:
        consumer._shut_down()


for event_type in {event["event_type"] for event in job["events"]}:
    OpenEdxPublicSignal.get_signal_by_type(event_type).connect(record, weak=False)
if job["consume_count"]:
    consumer.consume_indefinitely()
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump({"received": received}, out)
