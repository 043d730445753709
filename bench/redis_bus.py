"""Throughput, latency and memory of the Redis bus, beside the reference and the raw floor.

    .venv/bin/python bench/redis_bus.py            # 20,000 events, 5,000 through the reference;
                                                   # memory over 100,000 (a few minutes)
    .venv/bin/python bench/redis_bus.py --full     # 200,000 and 20,000; memory over 1,000,000
    .venv/bin/python bench/redis_bus.py --url redis://127.0.0.1:6380/0

All on one Redis (127.0.0.1:6379 unless ``--url``), in one run, under a stream prefix of its own
that is deleted at the end:

* produce: events/s of ours (``send_batch``, batches of 500, Avro encoding and headers
  included), of the reference (edx-event-bus-redis 1.1.2 on openedx-events 11.2.0, in its
  Python 3.12 virtualenv: one ``XADD`` a ``send``), and of the floor: redis-py pipelined
  ``XADD`` (500 a round trip) of the very entries ours wrote;
* consume: events/s delivered to a receiver that does nothing by ours (``BusConsumer`` on the
  Redis backend) and by the reference's ``RedisEventConsumer``; the floor is ``XREADGROUP``
  of 500 entries and one ``XACK`` of them, a round trip each, decoding nothing;
* single send: the time of one synchronous ``send`` of ours beside one raw ``XADD`` round trip
  of the same entry (p50 and p99 over many);
* latency: end to end (``metadata.time`` to the receiver, across processes) while a producer
  sends a steady stream to a consumer process, ours and the reference's;
* memory: the resident set size of our consumer process as it works through many events.

Event types: every type both buses can carry, round robin, with sample data. Each throughput
figure is the best of three rounds (``--rounds``), so that a passing disturbance on a shared
machine cannot decide it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import fastavro
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bus_workload as workload
from bus_workload import BATCH
from redis_reference import ReferenceBus, write_events

from openedx_events import configure
from openedx_events.event_bus import BusConsumer, BusProducer, encode_event
from openedx_events.event_bus.avro import deserialize_bytes_to_event_data, schema_from_signal
from openedx_events.event_bus.headers import metadata_from_text_headers
from openedx_events.tooling import OpenEdxPublicSignal


def _configure(url: str, prefix: str) -> None:
    # No MAXLEN bound: every stream must keep all the events a measurement wrote.
    configure(
        EVENT_BUS_REDIS_CONNECTION_URL=url,
        EVENT_BUS_TOPIC_PREFIX=prefix,
        EVENT_BUS_REDIS_STREAM_MAX_LEN=0,
    )


def _producer() -> BusProducer:
    from openedx_events.event_bus.redis import create_producer  # noqa: PLC0415  (after settings)

    producer = create_producer()
    assert isinstance(producer, BusProducer), producer
    return producer


def _consumer(topic: str, group: str, **kwargs: Any) -> BusConsumer:
    from openedx_events.event_bus.redis import create_consumer  # noqa: PLC0415  (after settings)

    consumer = create_consumer(topic=topic, group_id=group, **kwargs)
    assert isinstance(consumer, BusConsumer), consumer
    return consumer


def _connect_noop(signals: list[OpenEdxPublicSignal]) -> Any:
    def receiver(**kwargs: Any) -> None:
        pass

    for sig in signals:
        sig.connect(receiver, weak=False)
    return receiver


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99)] * 1000,
    }


# --- child processes ------------------------------------------------------------------------


def _child_memory(url: str, prefix: str, topic: str, total: int) -> None:
    """Consume ``total`` events, printing (events, RSS MB) as JSON lines."""
    _configure(url, prefix)
    _connect_noop(workload.bus_signals(None))
    consumer = _consumer(topic, "memory")
    done, step = 0, max(total // 10, 1)
    while done < total:
        stats = consumer.run(max_events=step, until_idle=True)
        if stats.delivered + stats.dead_lettered == done:
            break
        done = stats.delivered + stats.dead_lettered
        print(json.dumps([done, round(_rss_mb(), 1)]), flush=True)


def _child_latency(url: str, prefix: str, topic: str, out: str) -> None:
    """Record end-to-end latencies until SIGTERM, then write them to ``out``."""
    _configure(url, prefix)
    latencies: list[float] = []

    def receiver(metadata: Any, **kwargs: Any) -> None:
        latencies.append(time.time() - metadata.time.timestamp())

    for sig in workload.bus_signals(None):
        sig.connect(receiver, weak=False)
    consumer = _consumer(topic, "latency")
    consumer.consume_indefinitely()
    Path(out).write_text(json.dumps(latencies))


# --- the measurements -----------------------------------------------------------------------


class Run:
    """One benchmark run: a Redis, a stream prefix of its own, the samples and the reference."""

    def __init__(self, url: str, directory: Path) -> None:
        self.url = url
        self.prefix = f"bench-{uuid.uuid4().hex[:8]}"
        self.directory = directory
        self.client = redis.Redis.from_url(url)
        self.reference = ReferenceBus(url, self.prefix, directory)
        self.signals = workload.bus_signals(set(self.reference.bus_types()))
        self.samples = workload.samples(self.signals, 20)
        _configure(url, self.prefix)

    def stream(self, topic: str) -> str:
        return f"{self.prefix}-{topic}"

    def cleanup(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}-*", count=1000))
        if keys:
            self.client.delete(*keys)

    def reference_events(self) -> Path:
        """The sample events as the driver's JSON lines, one per sample."""
        lines = []
        for pool in self.samples:
            for sig, data in pool:
                message = encode_event(sig, data, sig.generate_signal_metadata())
                lines.append((message.headers, message.payload, None))
        return write_events(self.directory / "reference-events.jsonl", lines)


def _throughput_round(run: Run, n: int, count: int, reference_count: int) -> dict[str, float]:
    """One round of the six throughput figures, on streams of the round's own."""
    ours, floor, ref = f"ours-{n}", f"floor-{n}", f"reference-{n}"
    producer = _producer()
    ours_s = workload.produce(producer, ours, run.samples, count)

    # The floor: the entries ours wrote, written again and read back with nothing but redis-py.
    entries = [fields for _, fields in run.client.xrange(run.stream(ours))]
    started = time.perf_counter()
    for first in range(0, len(entries), BATCH):
        pipe = run.client.pipeline(transaction=False)
        for fields in entries[first : first + BATCH]:
            pipe.xadd(run.stream(floor), fields)
        pipe.execute()
    floor_produce_s = time.perf_counter() - started
    del entries
    floor_consume_s = _floor_consume(run, run.stream(floor), "floor", count, None)
    # The floor again, with the least any consumer delivering these events must add.
    avro_read_s = _floor_consume(run, run.stream(floor), "avro-read", count, _avro_reader(run))
    decoded_s = _floor_consume(run, run.stream(floor), "decoded", count, _typed_decoder(run))

    receiver = _connect_noop(run.signals)
    consumer = _consumer(ours, "throughput")
    started = time.perf_counter()
    stats = consumer.run(until_idle=True)
    ours_consume_s = time.perf_counter() - started
    for sig in run.signals:
        sig.disconnect(receiver)
    assert stats.delivered == count, stats

    events = run.reference_events()
    ref_produce = run.reference.produce(ref, events, repeat=reference_count)
    ref_consume = run.reference.consume(ref, "throughput", reference_count)
    assert ref_consume["count"] == reference_count, ref_consume
    run.cleanup()  # the next round starts on an empty Redis
    return {
        "ours_produce": count / ours_s,
        "reference_produce": reference_count / ref_produce["seconds"],
        "floor_produce": count / floor_produce_s,
        "ours_consume": count / ours_consume_s,
        "reference_consume": reference_count / ref_consume["seconds"],
        "floor_consume": count / floor_consume_s,
        "floor_avro_read": count / avro_read_s,
        "floor_decoded": count / decoded_s,
    }


def _floor_consume(run: Run, stream: str, group: str, count: int, handle: Any | None) -> float:
    """Seconds to read ``stream`` in a new group, 500 entries a round trip, each batch
    acknowledged with one ``XACK``; ``handle(fields)`` runs on every entry when given."""
    run.client.xgroup_create(stream, group, id="0")
    started = time.perf_counter()
    read = 0
    while batch := run.client.xreadgroup(group, "c", {stream: ">"}, count=BATCH):
        entries: Any = batch[0][1]
        if handle is not None:
            for _, fields in entries:
                handle(fields)
        run.client.xack(stream, group, *[entry_id for entry_id, _ in entries])
        read += len(entries)
    spent = time.perf_counter() - started
    assert read == count, read
    return spent


def _avro_reader(run: Run) -> Any:
    """Reads each entry's Avro bytes into plain dicts (fastavro, the signal's schema)."""
    schemas = {
        sig.event_type.encode(): fastavro.parse_schema(schema_from_signal(sig))
        for sig in run.signals
    }
    reader, buffer = fastavro.schemaless_reader, io.BytesIO

    def handle(fields: dict[bytes, bytes]) -> None:
        reader(buffer(fields[b"event_data"]), schemas[fields[b"type"]], None)

    return handle


def _typed_decoder(run: Run) -> Any:
    """Decodes each entry into its metadata and typed data, then calls a no-op receiver: what
    a consumer must do to deliver an event, without retries, dead letters or commits."""
    signals = {sig.event_type: sig for sig in run.signals}

    def receiver(**kwargs: Any) -> None:
        pass

    def handle(fields: dict[bytes, bytes]) -> None:
        headers = {
            name.decode(): value.decode() for name, value in fields.items() if name != b"event_data"
        }
        metadata = metadata_from_text_headers(headers, style="redis")
        data = deserialize_bytes_to_event_data(fields[b"event_data"], signals[headers["type"]])
        receiver(signal=None, sender=None, metadata=metadata, from_event_bus=True, **data)

    return handle


def measure_throughput(run: Run, count: int, reference_count: int, rounds: int) -> dict[str, Any]:
    """Each figure's best of ``rounds`` rounds, so a passing disturbance cannot decide it."""
    results = [_throughput_round(run, n, count, reference_count) for n in range(rounds)]
    best: dict[str, Any] = {name: max(r[name] for r in results) for name in results[0]}
    return {**best, "events": count, "reference_events": reference_count, "rounds": rounds}


def measure_single_send(run: Run, sends: int) -> dict[str, Any]:
    producer = _producer()
    pool = run.samples[0]
    sig = pool[0][0]
    for _, data in pool:  # the entries of the same events, for the raw XADD
        producer.send(
            signal=sig,
            topic="single-entries",
            event_key_field=None,
            event_data=data,
            event_metadata=sig.generate_signal_metadata(),
        )
    raw_fields = [fields for _, fields in run.client.xrange(run.stream("single-entries"))]
    ours: list[float] = []
    raw: list[float] = []
    stream = run.stream("single")
    # Interleaved, so a passing disturbance on the machine hits both alike.
    for i in range(sends):
        metadata = sig.generate_signal_metadata()
        started = time.perf_counter()
        producer.send(
            signal=sig,
            topic="single",
            event_key_field=None,
            event_data=pool[i % len(pool)][1],
            event_metadata=metadata,
        )
        ours.append(time.perf_counter() - started)
        fields = raw_fields[i % len(raw_fields)]
        started = time.perf_counter()
        run.client.xadd(stream, fields)  # type: ignore[arg-type]
        raw.append(time.perf_counter() - started)
    return {"sends": sends, "ours": _percentiles(ours), "raw": _percentiles(raw)}


@contextmanager
def _child(*args: str) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, __file__, *args])
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_for_group(
    run: Run, topic: str, group: str, *, delivered: bool, timeout: float = 120.0
) -> None:
    """Wait until ``group`` exists on ``topic`` (and, with ``delivered``, has read an entry)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run.client.exists(run.stream(topic)):
            for info in run.client.xinfo_groups(run.stream(topic)):
                if info["name"].decode() == group and (
                    not delivered or info["last-delivered-id"] != b"0-0"
                ):
                    return
        time.sleep(0.05)
    raise RuntimeError(f"no consumer group {group!r} on {topic!r} after {timeout} s")


def measure_latency(run: Run, rate: int, seconds: float) -> dict[str, Any]:
    producer = _producer()
    workload.produce(producer, "latency", run.samples, 1)  # the stream exists before the consumer
    out = run.directory / "latencies.json"
    with _child("--child-latency", run.url, run.prefix, "latency", str(out)) as child:
        # In its loop once it has delivered the event sent before it started.
        _wait_for_group(run, "latency", "latency", delivered=True)
        per_tick, tick = max(rate // 100, 1), 0.01
        sent, turn = 0, 0
        deadline = time.perf_counter() + seconds
        next_tick = time.perf_counter()
        while time.perf_counter() < deadline:
            pool = run.samples[turn % len(run.samples)]
            turn += 1
            sig = pool[0][0]
            events = [
                (pool[i % len(pool)][1], sig.generate_signal_metadata()) for i in range(per_tick)
            ]
            producer.send_batch(signal=sig, topic="latency", event_key_field=None, events=events)
            sent += per_tick
            next_tick += tick
            time.sleep(max(0.0, next_tick - time.perf_counter()))
        time.sleep(1.0)
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
    latencies = sorted(json.loads(out.read_text()))[:-1]  # the first: sent before it started
    ours = {"delivered": len(latencies), "sent": sent, **_percentiles(latencies)}

    # The reference: its consumer process, then its producer at the same rate.
    events = run.reference_events()
    total = int(rate * seconds)
    with run.reference.consuming("ref-latency", "latency", total, latency=True) as finish:
        # The reference's consumer makes its group just before its loop starts.
        _wait_for_group(run, "ref-latency", "latency", delivered=False)
        time.sleep(0.5)
        run.reference.produce("ref-latency", events, repeat=total, rate=rate)
        ref_latencies = finish()["latencies"]
    reference = {"delivered": len(ref_latencies), "sent": total, **_percentiles(ref_latencies)}
    return {"rate": rate, "ours": ours, "reference": reference}


def measure_memory(run: Run, total: int) -> dict[str, Any]:
    producer = _producer()
    started = time.perf_counter()
    workload.produce(producer, "memory", run.samples, total)
    produce_s = time.perf_counter() - started
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, __file__, "--child-memory", run.url, run.prefix, "memory", str(total)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    consume_s = time.perf_counter() - started
    points = [json.loads(line) for line in output.splitlines()]
    return {"events": total, "produce_s": produce_s, "consume_s": consume_s, "points": points}


def _ratio(ours: float, other: float) -> str:
    return f"{ours / other:.1f}x" if other else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--full", action="store_true", help="200,000 events; memory over 1M")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument(
        "--reference-events", type=int, default=5_000, help="the reference is slow: fewer"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-events", type=int, default=100_000)
    parser.add_argument("--sends", type=int, default=3_000)
    parser.add_argument("--rate", type=int, default=200, help="latency runs: events/s")
    parser.add_argument("--child-memory", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--child-latency", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        url, prefix, topic, total = args.child_memory
        _child_memory(url, prefix, topic, int(total))
        return
    if args.child_latency:
        _child_latency(*args.child_latency)
        return
    if args.full:
        args.events, args.memory_events, args.reference_events = 200_000, 1_000_000, 20_000

    with tempfile.TemporaryDirectory() as tmp:
        run = Run(args.url, Path(tmp))
        info = run.client.info("server")
        print(
            f"{len(run.signals)} event types; Python {sys.version.split()[0]}, "
            f"Redis {info['redis_version']} at {args.url}, redis-py {redis.__version__}, "
            f"{os.cpu_count()} CPUs"
        )
        try:
            t = measure_throughput(run, args.events, args.reference_events, args.rounds)
            print(
                f"\nthroughput over {t['events']:,} events, {t['reference_events']:,} for the "
                f"reference (ev/s, best of {t['rounds']} rounds):"
            )
            print(
                f"  {'':8}{'ours':>10}{'reference':>11}{'floor':>10}{'/ref':>8}{'floor/ours':>12}"
            )
            for what in ("produce", "consume"):
                ours, ref, floor = (t[f"{side}_{what}"] for side in ("ours", "reference", "floor"))
                print(
                    f"  {what:8}{ours:>10,.0f}{ref:>11,.0f}{floor:>10,.0f}"
                    f"{_ratio(ours, ref):>8}{floor / ours:>12.2f}"
                )
            floor = t["floor_consume"]
            print("  the consume floor with the least a consumer adds (ev/s, floor / it):")
            for name, label in (
                ("floor_avro_read", "+ reading each event's Avro bytes into dicts"),
                ("floor_decoded", "+ typed data and metadata, a no-op receiver called"),
            ):
                print(f"    {label:52}{t[name]:>10,.0f}{floor / t[name]:>8.2f}")
            s = measure_single_send(run, args.sends)
            print(f"\none synchronous send over {s['sends']:,} sends (ms):")
            print(f"  ours    p50 {s['ours']['p50_ms']:.3f}  p99 {s['ours']['p99_ms']:.3f}")
            print(f"  raw     p50 {s['raw']['p50_ms']:.3f}  p99 {s['raw']['p99_ms']:.3f}")
            print(f"  ours / raw XADD at p50: {s['ours']['p50_ms'] / s['raw']['p50_ms']:.2f}")
            lat = measure_latency(run, args.rate, 5.0)
            print(f"\nend-to-end latency across processes at {lat['rate']:,} events/s (ms):")
            for side in ("ours", "reference"):
                m = lat[side]
                print(
                    f"  {side:10} p50 {m['p50_ms']:7.2f}  p99 {m['p99_ms']:7.2f}"
                    f"  (delivered {m['delivered']:,} of {m['sent']:,})"
                )
            mem = measure_memory(run, args.memory_events)
            print(f"\nour consumer's memory over {mem['events']:,} events:")
            print(f"  produced in {mem['produce_s']:.1f} s, consumed in {mem['consume_s']:.1f} s")
            for events, rss in mem["points"]:
                print(f"  after {events:>9,} events  RSS {rss:6.1f} MB")
        finally:
            run.cleanup()


if __name__ == "__main__":
    main()
