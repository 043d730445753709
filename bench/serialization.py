"""Avro encode/decode throughput: this package beside the reference and the fastavro floor.

For each event below, the same payloads are encoded and decoded three ways, in one run:

* ours: ``serialize_event_data_to_bytes`` / ``deserialize_bytes_to_event_data``;
* ours through fastavro: the same codec with its generated binary writer and reader off, i.e.
  the flat record through fastavro's writer and reader, the path everything the generated
  code refuses still takes (and the only one before it existed);
* the reference implementation (openedx-events 11.2.0, in its own Python 3.12 virtualenv,
  see ``reference_env.py``), through the same two functions;
* the floor: fastavro's ``schemaless_writer`` / ``schemaless_reader`` on a parsed schema with a
  ready record dict, i.e. Avro with no data-class conversion at all.

Run: ``.venv/bin/python bench/serialization.py [--payloads 200] [--seconds 0.4]``
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import fastavro

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_env import run_reference

from openedx_events._private.avro.codec import SignalCodec
from openedx_events.event_bus.avro import (
    AvroSignalSerializer,
    deserialize_bytes_to_event_data,
    serialize_event_data_to_bytes,
)
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

EVENTS = (
    "STUDENT_REGISTRATION_COMPLETED",
    "COURSE_ENROLLMENT_CREATED",
    "XBLOCK_PUBLISHED",
    "CERTIFICATE_CREATED",
    "TRACKING_EVENT_EMITTED",
)

# Runs in the reference virtualenv; shares the timing rule below (best of 5 passes, CPU time).
_REFERENCE_SCRIPT = """
import io, time
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes
from openedx_events.event_bus.avro.deserializer import (
    AvroSignalDeserializer, deserialize_bytes_to_event_data,
)

def best_rate(function, items, seconds):
    best = 0.0
    for _ in range(5):
        done, start = 0, time.thread_time()
        while True:
            for item in items:
                function(item)
            done += len(items)
            elapsed = time.thread_time() - start
            if elapsed >= seconds:
                break
        best = max(best, done / elapsed)
    return best

load_all_signals()
results = {}
for event_type, records in JOBS.items():
    signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
    data = [AvroSignalDeserializer(signal).from_dict(record) for record in records]
    blobs = [serialize_event_data_to_bytes(item, signal) for item in data]
    results[event_type] = {
        "encode": best_rate(
            lambda item: serialize_event_data_to_bytes(item, signal), data, SECONDS
        ),
        "decode": best_rate(
            lambda blob: deserialize_bytes_to_event_data(blob, signal), blobs, SECONDS
        ),
        "bytes": sum(map(len, blobs)) / len(blobs),
        "hex": [blob.hex() for blob in blobs],
    }
emit(results)
"""


def best_rate(function: Callable[[Any], Any], items: Sequence[Any], seconds: float) -> float:
    """Events per CPU second: the best of five passes of at least ``seconds`` each.

    CPU time of this thread, not wall time: the machine is shared, and a pass preempted by
    another process would otherwise count the other process's time as ours.
    """
    best = 0.0
    for _ in range(5):
        done, start = 0, time.thread_time()
        while True:
            for item in items:
                function(item)
            done += len(items)
            elapsed = time.thread_time() - start
            if elapsed >= seconds:
                break
        best = max(best, done / elapsed)
    return best


def measure_ours(
    signal: OpenEdxPublicSignal, payloads: list[dict[str, Any]], seconds: float
) -> dict[str, float]:
    blobs = [serialize_event_data_to_bytes(payload, signal) for payload in payloads]
    return {
        "encode": best_rate(
            lambda payload: serialize_event_data_to_bytes(payload, signal), payloads, seconds
        ),
        "decode": best_rate(
            lambda blob: deserialize_bytes_to_event_data(blob, signal), blobs, seconds
        ),
        "bytes": sum(map(len, blobs)) / len(blobs),
    }


def measure_fastavro_path(
    signal: OpenEdxPublicSignal, payloads: list[dict[str, Any]], seconds: float
) -> dict[str, float]:
    codec = SignalCodec(signal)
    codec.write_bytes = codec.read_bytes = None
    blobs = [codec.encode(payload) for payload in payloads]
    return {
        "encode": best_rate(codec.encode, payloads, seconds),
        "decode": best_rate(codec.decode, blobs, seconds),
    }


def measure_floor(
    signal: OpenEdxPublicSignal, records: list[dict[str, Any]], seconds: float
) -> dict[str, float]:
    parsed = fastavro.parse_schema(AvroSignalSerializer(signal).schema)
    writer, reader, bytes_io = fastavro.schemaless_writer, fastavro.schemaless_reader, io.BytesIO

    def encode(record: dict[str, Any]) -> bytes:
        out = bytes_io()
        writer(out, parsed, record)
        return out.getvalue()

    blobs = [encode(record) for record in records]
    return {
        "encode": best_rate(encode, records, seconds),
        "decode": best_rate(lambda blob: reader(bytes_io(blob), parsed, None), blobs, seconds),
        "bytes": sum(map(len, blobs)) / len(blobs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payloads", type=int, default=200, help="distinct payloads per event")
    parser.add_argument("--seconds", type=float, default=0.4, help="minimum time per pass")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()

    load_all_signals()
    signals = {name: OpenEdxPublicSignal.get_signal_by_type(_event_type(name)) for name in EVENTS}
    payloads = {
        name: [sample_event_data(signal, index) for index in range(args.payloads)]
        for name, signal in signals.items()
    }
    records = {
        name: [AvroSignalSerializer(signals[name]).to_dict(payload) for payload in items]
        for name, items in payloads.items()
    }
    jobs = {signals[name].event_type: records[name] for name in EVENTS}
    prelude = f"import json\nJOBS = json.loads({json.dumps(jobs)!r})\nSECONDS = {args.seconds!r}\n"
    reference = run_reference(prelude + _REFERENCE_SCRIPT)

    rows = []
    for name in EVENTS:
        signal = signals[name]
        ours = measure_ours(signal, payloads[name], args.seconds)
        via_fastavro = measure_fastavro_path(signal, payloads[name], args.seconds)
        floor = measure_floor(signal, records[name], args.seconds)
        theirs = reference[signal.event_type]
        ours_hex = [serialize_event_data_to_bytes(p, signal).hex() for p in payloads[name]]
        rows.append(
            {
                "event": name,
                "ours": ours,
                "ours_through_fastavro": via_fastavro,
                "reference": {key: theirs[key] for key in ("encode", "decode", "bytes")},
                "floor": floor,
                "same_bytes_as_reference": ours_hex == theirs["hex"],
            }
        )
    _print_table(rows, args)
    if args.json:
        print(json.dumps(rows, indent=2))


def _event_type(signal_name: str) -> str:
    for signal in OpenEdxPublicSignal.all_events():
        if signal.signal_name == signal_name:
            return signal.event_type
    raise SystemExit(f"no signal named {signal_name}")


def _print_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"payloads per event: {args.payloads}; best of 5 passes of >= {args.seconds}s CPU; "
        f"Python {sys.version.split()[0]} (reference: 3.12)"
    )
    header = (
        f"{'event':32} {'op':6} {'ours/s':>10} {'via fastavro/s':>14} {'reference/s':>12} "
        f"{'floor/s':>10} {'vs ref':>7} {'floor/ours':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        for op in ("encode", "decode"):
            ours, theirs, floor = row["ours"][op], row["reference"][op], row["floor"][op]
            via = row["ours_through_fastavro"][op]
            print(
                f"{row['event']:32} {op:6} {ours:>10,.0f} {via:>14,.0f} {theirs:>12,.0f} "
                f"{floor:>10,.0f} {ours / theirs:>6.1f}x {floor / ours:>9.2f}x"
            )
    print()
    print(f"{'event':32} {'bytes/event':>11} {'reference':>10}  same bytes as reference")
    for row in rows:
        print(
            f"{row['event']:32} {row['ours']['bytes']:>11.1f} {row['reference']['bytes']:>10.1f}  "
            f"{row['same_bytes_as_reference']}"
        )


if __name__ == "__main__":
    main()
