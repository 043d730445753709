"""The reference's Redis bus (edx-event-bus-redis on openedx-events 11.2.0), driven from outside.

This script runs inside the reference's own Python 3.12 virtualenv (see ``redis_reference.py``),
never beside our package. It speaks JSON through files:

    redis_reference_driver.py URL PREFIX produce TOPIC EVENTS [--repeat N] [--rate R]
        [--summary OUT]
    redis_reference_driver.py URL PREFIX consume TOPIC GROUP COUNT [--out OUT]
        [--summary OUT] [--timeout S] [--latency]
    redis_reference_driver.py URL PREFIX types --summary OUT
    redis_reference_driver.py URL PREFIX roundtrip EVENTS --summary OUT

``EVENTS`` holds one JSON object a line: ``{"type", "headers", "payload", "key_field"}``, the
payload as hex Avro bytes. ``produce`` decodes each payload with the reference's deserializer
into the reference's own data classes, rebuilds the metadata from the headers, and sends it
through the reference's producer (one ``XADD`` each). With ``--repeat N`` it sends N events,
cycling over the file, each with fresh metadata (a benchmark run), at about R a second with
``--rate``.

``consume`` runs the reference's ``RedisEventConsumer`` (``check_backlog``: from the start of
the stream) with a receiver on every signal, and stops after ``COUNT`` events. With ``--out`` it
writes one JSON object a line per event: its type, its metadata as header text and its data
re-encoded by the reference's serializer (hex). With ``--latency`` the summary holds each
event's latency (receive time minus ``metadata.time``).

The summary (JSON) gives the count and the seconds the loop took; for ``types``, the event
types the reference can put on the bus (those it can build an Avro schema for); for
``roundtrip``, each payload of ``EVENTS`` as the reference's own codec rewrites it (decoded into
its data classes, encoded again), with no bus involved: its deserializer replaces a falsy value
of a field that has a default (``False``, ``0``, ``""``) by the default, so a few events come
back changed, and a consumer on the reference sees them changed too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings

from django import setup as setup_django


def _configure(url: str, prefix: str) -> None:
    # The reference reads some settings when its modules are imported: configure first.
    settings.configure(
        DEBUG=False,
        USE_TZ=True,
        INSTALLED_APPS=["django.contrib.contenttypes"],
        EVENTS_SERVICE_NAME="reference-redis-bus",
        EVENT_BUS_REDIS_CONNECTION_URL=url,
        EVENT_BUS_TOPIC_PREFIX=prefix,
        # The reference's default (10,000) would trim the longer benchmark streams.
        EVENT_BUS_REDIS_STREAM_MAX_LEN=10_000_000,
        EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT=1,
        LOGGING_CONFIG=None,
        OPENEDX_TELEMETRY=[],
    )
    setup_django()


def _metadata(headers: dict[str, str]) -> Any:
    from openedx_events.data import EventsMetadata  # noqa: PLC0415  (after Django is set up)

    return EventsMetadata(
        event_type=headers["type"],
        id=UUID(headers["id"]),
        minorversion=int(headers["minorversion"]),
        source=headers["source"],
        sourcehost=headers["sourcehost"],
        time=datetime.fromisoformat(headers["time"]),
        sourcelib=tuple(int(part) for part in headers["sourcelib"].split(".")),
    )


def _headers(metadata: Any) -> dict[str, str]:
    return {
        "type": metadata.event_type,
        "id": str(metadata.id),
        "minorversion": str(metadata.minorversion),
        "source": metadata.source,
        "sourcehost": metadata.sourcehost,
        "time": metadata.time.isoformat(),
        "sourcelib": ".".join(str(part) for part in metadata.sourcelib),
    }


def produce(args: argparse.Namespace) -> dict[str, Any]:
    from edx_event_bus_redis import create_producer  # noqa: PLC0415

    from openedx_events.event_bus.avro.deserializer import (  # noqa: PLC0415
        deserialize_bytes_to_event_data,
    )
    from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals  # noqa: PLC0415

    load_all_signals()
    events = []
    for line in Path(args.events).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        signal = OpenEdxPublicSignal.get_signal_by_type(item["type"])
        data = deserialize_bytes_to_event_data(bytes.fromhex(item["payload"]), signal)
        events.append((signal, data, _metadata(item["headers"]), item.get("key_field")))
    producer = create_producer()
    if producer is None:
        raise SystemExit("the reference producer is not configured")
    total = args.repeat or len(events)
    started = time.perf_counter()
    for index in range(total):
        if args.rate:
            time.sleep(max(0.0, started + index / args.rate - time.perf_counter()))
        signal, data, metadata, key_field = events[index % len(events)]
        if args.repeat:
            metadata = signal.generate_signal_metadata()
        producer.send(
            signal=signal,
            topic=args.topic,
            event_key_field=key_field,
            event_data=data,
            event_metadata=metadata,
        )
    return {"count": total, "seconds": time.perf_counter() - started}


def consume(args: argparse.Namespace) -> dict[str, Any]:
    from edx_event_bus_redis import RedisEventConsumer  # noqa: PLC0415

    from openedx_events.event_bus.avro.serializer import (  # noqa: PLC0415
        serialize_event_data_to_bytes,
    )
    from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals  # noqa: PLC0415

    out = open(args.out, "a", encoding="utf-8") if args.out else None  # noqa: SIM115
    latencies: list[float] = []
    received = 0
    consumer = RedisEventConsumer(
        args.topic, args.group, consumer_name="reference-driver", check_backlog=True
    )

    def receiver(signal: Any, metadata: Any, **kwargs: Any) -> None:
        nonlocal received
        now = time.time()
        received += 1
        if args.latency:
            latencies.append(now - metadata.time.timestamp())
        if out is not None:
            data = {name: kwargs[name] for name in signal.init_data}
            line = {
                "type": metadata.event_type,
                "headers": _headers(metadata),
                "payload": serialize_event_data_to_bytes(data, signal).hex(),
            }
            out.write(json.dumps(line) + "\n")
            out.flush()
        if received >= args.count:
            consumer._shut_down()  # the loop stops once this event is acknowledged

    load_all_signals()
    for signal in OpenEdxPublicSignal.all_events():
        signal.connect(receiver, weak=False)

    def give_up() -> None:
        print(
            f"reference consumer: {received} of {args.count} after {args.timeout} s",
            file=sys.stderr,
        )
        os._exit(3)

    watchdog = threading.Timer(args.timeout, give_up)
    watchdog.daemon = True
    watchdog.start()
    started = time.perf_counter()
    consumer.consume_indefinitely()
    seconds = time.perf_counter() - started
    watchdog.cancel()
    if out is not None:
        out.close()
    summary: dict[str, Any] = {"count": received, "seconds": seconds}
    if args.latency:
        summary["latencies"] = latencies
    return summary


def roundtrip(args: argparse.Namespace) -> dict[str, Any]:
    from openedx_events.event_bus.avro.deserializer import (  # noqa: PLC0415
        deserialize_bytes_to_event_data,
    )
    from openedx_events.event_bus.avro.serializer import (  # noqa: PLC0415
        serialize_event_data_to_bytes,
    )
    from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals  # noqa: PLC0415

    load_all_signals()
    payloads = []
    for line in Path(args.events).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        signal = OpenEdxPublicSignal.get_signal_by_type(item["type"])
        data = deserialize_bytes_to_event_data(bytes.fromhex(item["payload"]), signal)
        payloads.append(serialize_event_data_to_bytes(data, signal).hex())
    return {"payloads": payloads}


def bus_types(args: argparse.Namespace) -> dict[str, Any]:
    from openedx_events.event_bus.avro.serializer import AvroSignalSerializer  # noqa: PLC0415
    from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals  # noqa: PLC0415

    load_all_signals()
    usable = []
    for signal in OpenEdxPublicSignal.all_events():
        try:
            AvroSignalSerializer(signal)
        except Exception:
            continue
        usable.append(signal.event_type)
    return {"types": sorted(usable)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("prefix")
    commands = parser.add_subparsers(dest="command", required=True)
    producing = commands.add_parser("produce")
    producing.add_argument("topic")
    producing.add_argument("events")
    producing.add_argument("--repeat", type=int, default=0)
    producing.add_argument("--rate", type=float, default=0.0)
    consuming = commands.add_parser("consume")
    consuming.add_argument("topic")
    consuming.add_argument("group")
    consuming.add_argument("count", type=int)
    consuming.add_argument("--out")
    consuming.add_argument("--timeout", type=float, default=300.0)
    consuming.add_argument("--latency", action="store_true")
    listing = commands.add_parser("types")
    recoding = commands.add_parser("roundtrip")
    recoding.add_argument("events")
    for command in (producing, consuming, listing, recoding):
        command.add_argument("--summary")
    args = parser.parse_args()
    _configure(args.url, args.prefix)
    run = {"produce": produce, "consume": consume, "types": bus_types, "roundtrip": roundtrip}[
        args.command
    ]
    summary = run(args)
    if args.summary:
        Path(args.summary).write_text(json.dumps(summary), encoding="utf-8")


if __name__ == "__main__":
    main()
