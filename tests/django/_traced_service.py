"""A traced Django service (the test project) that enrolls two users in one transaction.

    python _traced_service.py OUT

Run with the test project's environment (``DJPROJECT_MODE`` on_commit or outbox). With the
outbox, the relay then publishes both rows in one batch. Writes to OUT, as JSON, the spans
(OpenTelemetry SDK, in-memory exporter), the headers of the records on the bus, and the
``published`` count of prometheus-client.
"""

from __future__ import annotations

import json
import sys

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import django

EXPORTER = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
trace.set_tracer_provider(provider)
django.setup()

import prometheus_client  # noqa: E402  (after Django is set up)
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from djproject.enrollments.services import enroll  # noqa: E402

from openedx_events.django.relay import OutboxRelay  # noqa: E402
from openedx_events.event_bus import get_backend  # noqa: E402

with transaction.atomic():
    enroll(1)
    enroll(2)
if settings.EVENT_BUS_PRODUCER_MODE == "outbox":
    OutboxRelay(batch_size=10).run(once=True)
spans = [
    {
        "name": span.name,
        "trace_id": f"{span.context.trace_id:032x}",
        "span_id": f"{span.context.span_id:016x}",
        "parent_id": f"{span.parent.span_id:016x}" if span.parent else None,
    }
    for span in EXPORTER.get_finished_spans()
]
published = prometheus_client.REGISTRY.get_sample_value(
    "openedx_events_published_total",
    {"event_type": "org.openedx.learning.course.enrollment.created.v1", "topic": "enrollments"},
)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(
        {
            "spans": spans,
            "headers": [dict(r.headers) for r in get_backend().read("enrollments")],
            "published": published,
        },
        out,
    )
