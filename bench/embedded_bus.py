"""Throughput, latency and memory of the embedded (SQLite) event bus.

    .venv/bin/python bench/embedded_bus.py                 # the full run (about 3 minutes)
    .venv/bin/python bench/embedded_bus.py --quick         # a smaller run

What it measures, on a fresh bus file in a temporary directory:

* produce: events/s through ``BusProducer.send_batch`` (Avro encoding, headers and the SQLite
  write), in batches of 500 events of one type, round robin over every catalog event type;
* consume: events/s delivered by one ``BusConsumer`` to a receiver that does nothing;
* latency: end to end (``metadata.time`` to the receiver, across processes) while a producer
  process sends a steady stream to a consumer process;
* memory: the resident set size of a consumer process as it works through 1,000,000 events.

Beside each figure it prints the floor measured in the same run: the raw ``sqlite3`` work on the
same rows (``executemany`` of already-encoded messages; ``SELECT`` of the stored rows), which no
bus on SQLite can beat. The reference implementation has no embedded bus to compare with.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import bus_workload as workload
from bus_workload import BATCH, Event

from openedx_events.event_bus import BusConsumer, BusProducer
from openedx_events.event_bus.sqlite import SqliteBackend

TOPIC = "bench"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


# --- child processes ------------------------------------------------------------------------


def _child_consume_memory(path: str, total: int) -> None:
    """Consume ``total`` events, printing (events, RSS MB) as JSON lines."""
    signals = workload.bus_signals()

    def receiver(**kwargs: Any) -> None:
        pass

    for sig in signals:
        sig.connect(receiver)
    consumer = BusConsumer(SqliteBackend(path), topic=TOPIC, group_id="memory", batch_size=500)
    done = 0
    step = max(total // 10, 1)
    while done < total:
        stats = consumer.run(max_events=step, until_idle=True)
        done = stats.delivered + stats.dead_lettered
        print(json.dumps([done, round(_rss_mb(), 1)]), flush=True)
        if step and consumer.backend.groups(TOPIC)[0].lag == 0:
            break


def _child_latency_consumer(path: str, out: str) -> None:
    """Record end-to-end latencies until SIGTERM, then write them to ``out``."""
    signals = workload.bus_signals()
    latencies: list[float] = []

    def receiver(metadata: Any, **kwargs: Any) -> None:
        latencies.append(time.time() - metadata.time.timestamp())

    for sig in signals:
        sig.connect(receiver)
    consumer = BusConsumer(
        SqliteBackend(path), topic=TOPIC, group_id="latency", batch_size=100, poll_interval=0.01
    )
    consumer.consume_indefinitely()
    Path(out).write_text(json.dumps(latencies))


# --- the measurements -----------------------------------------------------------------------


def measure_throughput(directory: Path, count: int, samples: list[list[Event]]) -> dict[str, Any]:
    backend = SqliteBackend(directory / "throughput.db")
    produce_s = workload.produce(BusProducer(backend), TOPIC, samples, count)

    # The floor: the same stored rows, written and read with nothing but sqlite3.
    rows = (
        backend._pool.get()
        .execute(
            "SELECT topic, key, headers, payload, appended_at FROM bus_messages ORDER BY position"
        )
        .fetchall()
    )
    raw = sqlite3.connect(directory / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = NORMAL")
    raw.execute(
        "CREATE TABLE m (position INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT, key TEXT,"
        " headers TEXT, payload BLOB, appended_at REAL)"
    )
    raw.execute("CREATE INDEX m_topic ON m (topic, position)")
    started = time.perf_counter()
    for first in range(0, len(rows), BATCH):
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(
            "INSERT INTO m (topic, key, headers, payload, appended_at) VALUES (?, ?, ?, ?, ?)",
            rows[first : first + BATCH],
        )
        raw.execute("COMMIT")
    raw_write_s = time.perf_counter() - started
    started = time.perf_counter()
    after = 0
    while batch := raw.execute(
        "SELECT position, key, headers, payload FROM m WHERE topic = ? AND position > ?"
        " ORDER BY position LIMIT 500",
        (TOPIC, after),
    ).fetchall():
        after = batch[-1][0]
    raw_read_s = time.perf_counter() - started
    raw.close()

    signals = [pool[0][0] for pool in samples]

    def receiver(**kwargs: Any) -> None:
        pass

    for sig in signals:
        sig.connect(receiver)
    consumer = BusConsumer(backend, topic=TOPIC, group_id="throughput", batch_size=500)
    started = time.perf_counter()
    stats = consumer.run(until_idle=True)
    consume_s = time.perf_counter() - started
    for sig in signals:
        sig.disconnect(receiver)
    assert stats.delivered == count, stats
    backend.close()
    return {
        "events": count,
        "produce_per_s": count / produce_s,
        "raw_insert_per_s": count / raw_write_s,
        "consume_per_s": count / consume_s,
        "raw_select_per_s": count / raw_read_s,
    }


def measure_latency(
    directory: Path, samples: list[list[Event]], rate: int, seconds: float
) -> dict[str, Any]:
    path = directory / "latency.db"
    backend = SqliteBackend(path)
    workload.produce(
        BusProducer(backend), TOPIC, samples, 1
    )  # create the file and the topic before the consumer starts
    out = directory / "latencies.json"
    child = subprocess.Popen([sys.executable, __file__, "--child-latency", str(path), str(out)])
    time.sleep(2.0)  # let the consumer import everything and reach its loop
    producer = BusProducer(backend)
    per_tick, tick = max(rate // 100, 1), 0.01
    sent, turn = 0, 0
    deadline = time.perf_counter() + seconds
    next_tick = time.perf_counter()
    while time.perf_counter() < deadline:
        pool = samples[turn % len(samples)]
        turn += 1
        sig = pool[0][0]
        events = [(pool[i % len(pool)][1], sig.generate_signal_metadata()) for i in range(per_tick)]
        producer.send_batch(signal=sig, topic=TOPIC, event_key_field=None, events=events)
        sent += per_tick
        next_tick += tick
        time.sleep(max(0.0, next_tick - time.perf_counter()))
    time.sleep(1.0)
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=30)
    latencies = sorted(json.loads(out.read_text()))
    backend.close()
    cut = latencies[:-1]  # the slowest: the first event, sent before the consumer started
    return {
        "rate": rate,
        "delivered": len(latencies),
        "sent": sent + 1,
        "p50_ms": statistics.median(cut) * 1000,
        "p99_ms": cut[int(len(cut) * 0.99)] * 1000,
        "max_ms": cut[-1] * 1000,
        "exit_code": child.returncode,
    }


def measure_memory(directory: Path, samples: list[list[Event]], total: int) -> dict[str, Any]:
    path = directory / "memory.db"
    backend = SqliteBackend(path)
    started = time.perf_counter()
    workload.produce(BusProducer(backend), TOPIC, samples, total)
    produce_s = time.perf_counter() - started
    backend.close()
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, __file__, "--child-memory", str(path), str(total)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    consume_s = time.perf_counter() - started
    points = [json.loads(line) for line in output.splitlines()]
    return {
        "events": total,
        "produce_s": produce_s,
        "consume_s": consume_s,
        "points": points,
        "file_mb": path.stat().st_size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--memory-events", type=int, default=1_000_000)
    parser.add_argument("--rate", type=int, default=2_000, help="latency run: events/s")
    parser.add_argument("--child-memory", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-latency", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        _child_consume_memory(args.child_memory[0], int(args.child_memory[1]))
        return
    if args.child_latency:
        _child_latency_consumer(*args.child_latency)
        return
    if args.quick:
        args.events, args.memory_events = 20_000, 100_000

    signals = workload.bus_signals()
    samples = workload.samples(signals, 20)
    print(
        f"{len(signals)} event types on the bus; Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        t = measure_throughput(directory, args.events, samples)
        print(f"\nthroughput over {t['events']:,} events (batches of {BATCH}):")
        floor = "raw sqlite3 floor"
        print(
            f"  produce {t['produce_per_s']:>9,.0f} ev/s  "
            f"({floor}: insert {t['raw_insert_per_s']:,.0f}/s)"
        )
        print(
            f"  consume {t['consume_per_s']:>9,.0f} ev/s  "
            f"({floor}: select {t['raw_select_per_s']:,.0f}/s)"
        )
        lat = measure_latency(directory, samples, args.rate, 5.0)
        print(f"\nend-to-end latency across processes at {lat['rate']:,} events/s:")
        print(
            f"  delivered {lat['delivered']:,} of {lat['sent']:,}, consumer exit {lat['exit_code']}"
        )
        print(
            f"  p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms"
        )
        mem = measure_memory(directory, samples, args.memory_events)
        print(f"\nconsumer memory over {mem['events']:,} events (file {mem['file_mb']:.0f} MB):")
        print(f"  produced in {mem['produce_s']:.1f} s, consumed in {mem['consume_s']:.1f} s")
        for events, rss in mem["points"]:
            print(f"  after {events:>9,} events  RSS {rss:6.1f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the producing process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
