"""Consume with the reference's Redis consumer (run by the Python 3.12 reference virtualenv).

    _reference_redis_consumer.py URL TOPIC GROUP COUNT OUT

Runs edx-event-bus-redis's ``RedisEventConsumer`` from the start of TOPIC until COUNT events of
COURSE_ENROLLMENT_CREATED reached a receiver (or 60 seconds passed), then writes the delivered
event ids and the error lines the reference logged to OUT as JSON.
"""

import json
import logging
import os
import sys
import threading

from django.conf import settings

from django import setup

url, topic, group, count, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
settings.configure(
    DEBUG=False,
    USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes"],
    EVENTS_SERVICE_NAME="reference-consumer",
    EVENT_BUS_REDIS_CONNECTION_URL=url,
    EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT=1,
    LOGGING_CONFIG=None,
    OPENEDX_TELEMETRY=[],  # no New Relic here; its warning would hide the reference's own
)
setup()

from edx_event_bus_redis import RedisEventConsumer  # noqa: E402  (after Django is set up)

from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED  # noqa: E402

errors = []


class Errors(logging.Handler):
    def emit(self, record):
        errors.append(record.getMessage())


logging.getLogger().addHandler(Errors(level=logging.WARNING))
delivered = []
consumer = RedisEventConsumer(topic, group, consumer_name="reference", check_backlog=True)


def receiver(metadata, enrollment, **kwargs):
    delivered.append({"id": str(metadata.id), "user": enrollment.user.id})
    if len(delivered) >= count:
        consumer._shut_down()  # the loop ends once this event is acknowledged


COURSE_ENROLLMENT_CREATED.connect(receiver, weak=False)
threading.Timer(60, lambda: os._exit(3)).start()
consumer.consume_indefinitely()
with open(out, "w", encoding="utf-8") as file:
    json.dump({"delivered": delivered, "errors": errors}, file)
os._exit(0)
