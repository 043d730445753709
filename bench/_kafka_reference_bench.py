"""The reference side of ``kafka_bus.py``: edx-event-bus-kafka 6.2.0 timed on a given broker.

Runs in the Python 3.12 virtualenv of the reference (``python _kafka_reference_bench.py JOB OUT``):
produces ``count`` events with the reference's producer (``send`` for each, then
``prepare_for_shutdown`` to wait for the broker) after ``warm`` events off the clock,
consumes them with the reference's consumer, then measures end-to-end latency at a steady
rate, and writes the figures as JSON.
"""

import json
import sys
import threading
import time
from datetime import UTC, datetime

from django.conf import settings

import django

job = json.loads(open(sys.argv[1], encoding="utf-8").read())  # noqa: SIM115
settings.configure(
    DEBUG=False,
    USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes"],
    EVENTS_SERVICE_NAME="reference-bench",
    EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS=job["bootstrap_servers"],
    EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL=job["registry_url"],
    EVENT_BUS_KAFKA_AUDIT_LOGGING_ENABLED=False,
    EVENT_BUS_KAFKA_POLL_INTERVAL_SEC=0.05,
    LOGGING_CONFIG=None,
)
django.setup()

from edx_event_bus_kafka.internal import consumer as consumer_module  # noqa: E402
from edx_event_bus_kafka.internal.consumer import KafkaEventConsumer  # noqa: E402
from edx_event_bus_kafka.internal.producer import create_producer  # noqa: E402

from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer  # noqa: E402
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals  # noqa: E402

load_all_signals()
signal = OpenEdxPublicSignal.get_signal_by_type(job["event_type"])
data = [AvroSignalDeserializer(signal).from_dict(record) for record in job["records"]]
_common_settings = consumer_module.load_common_settings
consumer_module.load_common_settings = lambda: {
    **_common_settings(),
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 6000,
}
producer = create_producer()


def send(topic, index):
    producer.send(
        signal=signal,
        topic=topic,
        event_key_field=job["event_key_field"],
        event_data=data[index % len(data)],
        event_metadata=signal.generate_signal_metadata(),
    )


def consume(topic, group, count, on_event=None):
    consumer = KafkaEventConsumer(topic, group)
    seen = [0]

    def receiver(**kwargs):
        seen[0] += 1
        if on_event is not None:
            on_event(kwargs["metadata"])
        if seen[0] >= count:
            consumer._shut_down()

    signal.connect(receiver, weak=False)
    try:
        consumer.consume_indefinitely()
    finally:
        signal.disconnect(receiver)


figures = {}
count, warm = job["count"], job.get("warm", 0)
topic = job.get("topic", "ref-throughput")
# Off the clock, as for the others: the schemas' registration and the first connection.
for index in range(warm):
    send(topic, index)
producer.prepare_for_shutdown()
start = time.perf_counter()
for index in range(count):
    send(topic, index)
producer.prepare_for_shutdown()
figures["produce"] = count / (time.perf_counter() - start)

# The consumer's group join is not part of the figure: the clock starts at the first event
# produced on the clock (the warm-up events are consumed first).
seen = [0]
first = []


def first_event(metadata):
    seen[0] += 1
    # The clock runs from the first event produced on it to the last, before the shutdown.
    if seen[0] in (warm + 1, warm + count):
        first.append(time.perf_counter())


consume(topic, "ref-bench", warm + count, first_event)
figures["consume"] = (count - 1) / (first[1] - first[0])

latencies = []


def measure(metadata):
    latencies.append((datetime.now(UTC) - metadata.time).total_seconds())


rate, total = job["latency_rate"], job["latency_count"]
if total:  # a later round measures throughput only
    consumer_thread = threading.Thread(
        target=consume, args=("ref-latency", "ref-latency", total, measure), daemon=True
    )
    consumer_thread.start()
    time.sleep(job["join_wait"])  # let the consumer join before the clock matters
    for index in range(total):
        send("ref-latency", index)
        time.sleep(1 / rate)
    producer.prepare_for_shutdown()
    consumer_thread.join(timeout=120)
figures["latencies"] = latencies
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(figures, out)
