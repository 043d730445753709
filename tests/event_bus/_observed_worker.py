"""A traced producer or consumer process for the observability tests (run as a script).

    _observed_worker.py produce TOPIC COUNT SPANS [--untraced] [--sampler NAME]
    _observed_worker.py consume TOPIC GROUP SPANS [--fail-mod K] [--metrics-port-file F]
        [--delay S] [--sampler NAME] [--contexts F]

The bus comes from the environment (EVENT_BUS_PRODUCER, EVENT_BUS_SQLITE_PATH, ...). Spans go
to the OpenTelemetry SDK's in-memory exporter and are written to SPANS as JSON at the end. A
consumer with ``--metrics-port-file`` serves metrics and probes on a free port, writes the port
to that file, and runs until SIGTERM. ``--sampler`` picks the SDK's sampler (``default``:
``ParentBased(ALWAYS_ON)``, ``off``: ``ParentBased(ALWAYS_OFF)``, ``always_on``: ``ALWAYS_ON``,
which ignores the parent); ``--contexts`` writes, as JSON, the trace and span ids and sampled
flag of the span current in the receiver at each event, and the trace id and flag of a span
the receiver starts itself.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, DEFAULT_ON, ParentBased

from openedx_events import configure
from openedx_events.event_bus import (
    RetryPolicy,
    connect_producer_receivers,
    get_producer,
    make_single_consumer,
    serve_observability,
)
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data

EXPORTER = InMemorySpanExporter()
SAMPLERS = {"default": DEFAULT_ON, "off": ParentBased(ALWAYS_OFF), "always_on": ALWAYS_ON}


def _trace(sampler: str) -> None:
    provider = TracerProvider(sampler=SAMPLERS[sampler])
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    trace.set_tracer_provider(provider)


def _dump(path: str) -> None:
    spans = [
        {
            "name": span.name,
            "kind": span.kind.name,
            "trace_id": f"{span.context.trace_id:032x}",
            "span_id": f"{span.context.span_id:016x}",
            "parent_id": f"{span.parent.span_id:016x}" if span.parent else None,
            "status": span.status.status_code.name,
            "attributes": dict(span.attributes or {}),
        }
        for span in EXPORTER.get_finished_spans()
    ]
    with open(path, "w", encoding="utf-8") as out:
        json.dump(spans, out)


def produce(args: argparse.Namespace) -> None:
    if not args.untraced:
        _trace(args.sampler)
    configure(
        EVENT_BUS_PRODUCER_CONFIG={
            SIGNAL.event_type: {
                args.topic: {"event_key_field": SIGNAL.event_key_field, "enabled": True}
            }
        }
    )
    connect_producer_receivers()
    for i in range(args.count):
        SIGNAL.send_event(**sample_event_data(SIGNAL, i))
    get_producer().prepare_for_shutdown()
    _dump(args.spans)


def consume(args: argparse.Namespace) -> None:
    _trace(args.sampler)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")

    contexts = []

    def receiver(metadata: Any, enrollment: Any, **kwargs: Any) -> None:
        if args.contexts:
            current = trace.get_current_span().get_span_context()
            with trace.get_tracer("receiver").start_as_current_span("receiver's own") as own:
                child = own.get_span_context()
            contexts.append(
                {
                    "trace_id": f"{current.trace_id:032x}",
                    "span_id": f"{current.span_id:016x}",
                    "sampled": current.trace_flags.sampled,
                    "own_span_trace_id": f"{child.trace_id:032x}",
                    "own_span_sampled": child.trace_flags.sampled,
                }
            )
        time.sleep(args.delay)
        user = enrollment.user
        if args.fail_mod and user.id % args.fail_mod == 0:
            raise ValueError(f"no account for {user.pii.email} ({user.pii.username})")

    SIGNAL.connect(receiver, weak=False)
    consumer = make_single_consumer(
        topic=args.topic,
        group_id=args.group,
        retry=RetryPolicy(max_attempts=2, initial_delay=0.001, max_delay=0.002),
        poll_interval=0.02,
    )
    if args.metrics_port_file:
        server = serve_observability(0, consumer=consumer, host="127.0.0.1")
        with open(args.metrics_port_file + ".tmp", "w", encoding="utf-8") as out:
            out.write(str(server.port))
        os.rename(args.metrics_port_file + ".tmp", args.metrics_port_file)
        consumer.consume_indefinitely()
        server.close()
    else:
        consumer.run(until_idle=True)  # type: ignore[attr-defined]
    _dump(args.spans)
    if args.contexts:
        with open(args.contexts, "w", encoding="utf-8") as out:
            json.dump(contexts, out)


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    producing = commands.add_parser("produce")
    producing.add_argument("topic")
    producing.add_argument("count", type=int)
    producing.add_argument("spans")
    producing.add_argument("--untraced", action="store_true")
    producing.add_argument("--sampler", choices=SAMPLERS, default="default")
    consuming = commands.add_parser("consume")
    for name in ("topic", "group", "spans"):
        consuming.add_argument(name)
    consuming.add_argument("--fail-mod", type=int, default=0)
    consuming.add_argument("--metrics-port-file", default="")
    consuming.add_argument("--delay", type=float, default=0.0)
    consuming.add_argument("--sampler", choices=SAMPLERS, default="default")
    consuming.add_argument("--contexts", default="")
    args = parser.parse_args()
    if args.command == "produce":
        produce(args)
    else:
        consume(args)


if __name__ == "__main__":
    main()
