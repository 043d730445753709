"""One trace runs from send_event in a producer process to the receiver in a consumer process.

Both processes use the OpenTelemetry SDK's in-memory exporter; the trace context travels in the
record's ``traceparent`` header (an entry field on Redis, a stored header on the embedded bus, a
Kafka header).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _observed_bus import ObservedBus

from openedx_events import configure
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus.redis import RedisBackend
from openedx_events.event_bus.sqlite import SqliteBackend

TOPIC = "traced-enrollments"
ENROLLED = "org.openedx.learning.course.enrollment.created.v1"
PYTHON312 = "/root/.pyenv/versions/3.12.1/bin/python3.12"


@pytest.fixture(params=["sqlite", "redis", "kafka"])
def bus(request: pytest.FixtureRequest, tmp_path: Path) -> ObservedBus:
    if request.param == "kafka":
        broker = request.getfixturevalue("kafka_broker")
        registry = request.getfixturevalue("schema_registry")
        return ObservedBus(tmp_path, "kafka", f"{broker.bootstrap_servers} {registry.url}")
    if request.param == "redis":
        return ObservedBus(tmp_path, "redis", request.getfixturevalue("redis_url"))
    return ObservedBus(tmp_path, "sqlite")


@pytest.fixture
def records(bus: ObservedBus) -> Callable[[], list[Any]]:
    def read() -> list[Any]:
        if bus.kind == "kafka":
            from openedx_events.event_bus.kafka import backend_from_settings  # noqa: PLC0415

            reset_configuration()
            configure(**{k: v for k, v in bus.env.items() if k.startswith("EVENT_BUS_KAFKA")})
            kafka: Any = backend_from_settings()
            reset_configuration()
            try:
                return list(kafka.read(TOPIC))
            finally:
                kafka.close()
        if bus.kind == "redis":
            backend: Any = RedisBackend(bus.env["EVENT_BUS_REDIS_CONNECTION_URL"])
        else:
            backend = SqliteBackend(bus.env["EVENT_BUS_SQLITE_PATH"])
        try:
            return list(backend.read(TOPIC))
        finally:
            backend.close()

    return read


def _named(spans: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [span for span in spans if span["name"] == name]


def test_the_consumers_process_span_continues_the_producers_trace(
    bus: ObservedBus, records: Any
) -> None:
    produced = bus.produce(TOPIC, 3)
    creates = _named(produced, f"create {ENROLLED}")
    sends = _named(produced, f"send {TOPIC}")
    assert len(creates) == len(sends) == 3
    for create, send in zip(creates, sends, strict=True):
        assert create["kind"] == "PRODUCER"
        assert create["parent_id"] is None
        assert create["attributes"]["messaging.operation.type"] == "create"
        assert send["trace_id"] == create["trace_id"]
        assert send["parent_id"] == create["span_id"]
        assert send["attributes"] == {
            "messaging.operation.type": "send",
            "messaging.operation.name": "append",
            "messaging.system": bus.kind,
            "messaging.destination.name": TOPIC,
            "messaging.message.id": create["attributes"]["messaging.message.id"],
            "openedx_events.event_type": ENROLLED,
        }

    stored = records()
    # version 00, the send span's trace and span ids, then the flags (sampled).
    assert [r.headers["traceparent"][:-3] for r in stored] == [
        f"00-{send['trace_id']}-{send['span_id']}" for send in sends
    ]

    consumed, _ = bus.consume(TOPIC, "traced")
    processes = _named(consumed, f"process {TOPIC}")
    assert len(processes) == 3
    for send, process, record in zip(sends, processes, stored, strict=True):
        assert process["kind"] == "CONSUMER"
        assert process["trace_id"] == send["trace_id"]
        assert process["parent_id"] == send["span_id"]
        assert process["status"] == "UNSET"
        assert process["attributes"] == {
            "messaging.operation.type": "process",
            "messaging.system": bus.kind,
            "messaging.destination.name": TOPIC,
            "messaging.consumer.group.name": "traced",
            "messaging.message.id": record.headers["id"],
            "openedx_events.event_type": ENROLLED,
            "openedx_events.position": str(record.position),
        }
    (receive,) = _named(consumed, f"receive {TOPIC}")
    assert receive["attributes"]["messaging.batch.message_count"] == 3
    assert receive["attributes"]["messaging.consumer.group.name"] == "traced"


def test_an_event_without_a_trace_header_is_delivered_in_a_fresh_trace(
    bus: ObservedBus, records: Any
) -> None:
    # A producer without a tracer provider writes what the reference's producer writes:
    # no trace header at all.
    assert bus.produce(TOPIC, 2, "--untraced") == []
    assert all("traceparent" not in r.headers for r in records())
    consumed, _ = bus.consume(TOPIC, "fresh")
    processes = _named(consumed, f"process {TOPIC}")
    assert len(processes) == 2
    assert all(p["parent_id"] is None for p in processes)
    assert processes[0]["trace_id"] != processes[1]["trace_id"]


def test_a_dead_lettered_delivery_ends_its_span_in_error_without_the_errors_text(
    bus: ObservedBus,
) -> None:
    bus.produce(TOPIC, 4)
    consumed, _ = bus.consume(TOPIC, "failing", "--fail-mod", "1")
    processes = _named(consumed, f"process {TOPIC}")
    assert len(processes) == 4
    assert {p["status"] for p in processes} == {"ERROR"}
    assert {p["attributes"]["error.type"] for p in processes} == {"receiver_failed"}
    assert not any("@" in str(p) for p in processes)


def test_a_record_of_an_unsampled_trace_gets_no_span_but_its_receivers_stay_in_that_trace(
    tmp_path: Path,
) -> None:
    bus = ObservedBus(tmp_path, "sqlite")
    assert bus.produce(TOPIC, 3, "--sampler", "off") == []  # sampled out: nothing recorded
    backend = SqliteBackend(bus.env["EVENT_BUS_SQLITE_PATH"])
    parents = [r.headers["traceparent"].split("-") for r in backend.read(TOPIC)]
    backend.close()
    assert len(parents) == 3
    assert all(int(flags, 16) & 1 == 0 for *_, flags in parents)

    # The SDK's default sampler follows the parent: no process span, as it would decide.
    contexts = tmp_path / "contexts.json"
    consumed, _ = bus.consume(TOPIC, "follows", "--contexts", str(contexts))
    assert _named(consumed, f"process {TOPIC}") == []
    # The receiver runs under the producer's send span; a span it starts joins that trace,
    # unsampled like it.
    assert json.loads(contexts.read_text()) == [
        {
            "trace_id": trace_id,
            "span_id": span_id,
            "sampled": False,
            "own_span_trace_id": trace_id,
            "own_span_sampled": False,
        }
        for _, trace_id, span_id, _ in parents
    ]

    # A sampler that ignores the parent still gets its span, in the producer's trace.
    consumed, _ = bus.consume(TOPIC, "records-all", "--sampler", "always_on")
    processes = _named(consumed, f"process {TOPIC}")
    assert [(p["trace_id"], p["parent_id"]) for p in processes] == [
        (trace_id, span_id) for _, trace_id, span_id, _ in parents
    ]


REFERENCE_REDIS = ("openedx-events==11.2.0", "edx-event-bus-redis==1.1.2", "Django>=4.2,<7")
REFERENCE_CONSUMER = Path(__file__).with_name("_reference_redis_consumer.py")
BENCH = Path(__file__).resolve().parents[2] / "bench"


def _reference_python() -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from reference_env import python312_venv  # noqa: PLC0415  (bench/ is not a package)
    finally:
        sys.path.remove(str(BENCH))
    return python312_venv("redis-reference", REFERENCE_REDIS)


@pytest.mark.skipif(
    not Path(os.environ.get("REFERENCE_PYTHON", PYTHON312)).exists(),
    reason="the reference's Redis consumer needs Python 3.12 (set REFERENCE_PYTHON to one)",
)
def test_the_references_redis_consumer_ignores_the_trace_field(
    tmp_path: Path, redis_url: str
) -> None:
    bus = ObservedBus(tmp_path, "redis", redis_url)
    bus.produce(TOPIC, 3)
    backend = RedisBackend(redis_url)
    stored = backend.read(TOPIC)
    backend.close()
    assert all("traceparent" in r.headers for r in stored)
    out = tmp_path / "reference.json"
    subprocess.run(
        [
            str(_reference_python()),
            str(REFERENCE_CONSUMER),
            redis_url,
            TOPIC,
            "reference-group",
            "3",
            str(out),
        ],
        check=True,
        timeout=120,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith(("EVENT_BUS_", "PYTHON"))},
    )
    seen = json.loads(out.read_text())
    assert [e["id"] for e in seen["delivered"]] == [r.headers["id"] for r in stored]
    assert seen["errors"] == []
