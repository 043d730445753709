"""An event from the reference's Redis producer, which writes no trace header, is delivered by
our traced consumer in a fresh trace: a new trace id, and no parent at all.

The reference is edx-event-bus-redis 1.1.2 on openedx-events 11.2.0 (``bench/redis_reference.py``
runs it in a Python 3.12 virtualenv); our consumer runs in a process of its own with the
OpenTelemetry SDK's in-memory exporter (``tests/event_bus/_observed_worker.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from _observed_bus import ObservedBus
from redis_reference import ReferenceBus, have_python312, write_events

from openedx_events.event_bus import encode_event
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data

pytestmark = pytest.mark.skipif(
    not have_python312(),
    reason="the reference's Redis bus needs Python 3.12 (set REFERENCE_PYTHON to one)",
)

pytest.importorskip("opentelemetry.sdk", reason="the traced consumer needs the SDK")

TOPIC = "traced-interop"
COUNT = 3


def test_the_references_events_reach_our_traced_consumer_in_fresh_traces(
    reference_bus: ReferenceBus, prefix: str, redis_url: str, tmp_path: Path
) -> None:
    messages = []
    for index in range(COUNT):
        data = sample_event_data(SIGNAL, index)
        messages.append(encode_event(SIGNAL, data, SIGNAL.generate_signal_metadata()))
    events = write_events(
        tmp_path / "events.jsonl", [(m.headers, m.payload, None) for m in messages]
    )
    reference_bus.produce(TOPIC, events)

    with redis.Redis.from_url(redis_url) as client:
        entries = client.xrange(f"{prefix}-{TOPIC}")
    assert len(entries) == COUNT
    assert not any(b"traceparent" in fields or b"tracestate" in fields for _, fields in entries)

    ours = ObservedBus(tmp_path, "redis", redis_url)
    ours.env["EVENT_BUS_TOPIC_PREFIX"] = prefix
    spans, log = ours.consume(TOPIC, "traced-ours")
    processes = [span for span in spans if span["name"] == f"process {prefix}-{TOPIC}"]
    assert [p["attributes"]["messaging.message.id"] for p in processes] == [
        m.headers["id"] for m in messages
    ], log[-3000:]
    assert all(p["parent_id"] is None for p in processes)  # no remote parent: a root
    trace_ids = {p["trace_id"] for p in processes}
    assert len(trace_ids) == COUNT  # a trace of its own each
    assert "0" * 32 not in trace_ids
    assert {p["status"] for p in processes} == {"UNSET"}
