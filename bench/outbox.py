"""Publishing from database transactions to Redis: the outbox, on_commit and immediate modes.

    .venv/bin/python bench/outbox.py                 # the full run (about 2 minutes)
    .venv/bin/python bench/outbox.py --quick         # a smaller run

A Django service writes a row and sends COURSE_ENROLLMENT_CREATED (routed to a Redis topic) in
each transaction, on SQLite and on PostgreSQL (a database of its own on 127.0.0.1:5432). For
each database, in one run:

* no bus: the same transactions with the event dispatched in-process only: the floor that the
  database write and ``send_event`` set, which no publishing mode can beat;
* immediate: the event is published to Redis inside the transaction;
* on_commit: the event is encoded in the transaction and published to Redis after the commit;
* outbox: the encoded event is stored in the outbox table in the transaction ("write"), then
  ``OutboxRelay`` publishes the rows to Redis ("relay"); "end to end" is events over the sum.

Each configuration runs in a process of its own (Django is configured once per process), on a
redis-server of the benchmark's own on a free port. Figures are the best of ``--rounds``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ENROLLED = "org.openedx.learning.course.enrollment.created.v1"
MODES = ("none", "immediate", "on_commit", "outbox")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _databases(kind: str, name: str) -> dict[str, Any]:
    # Commits do not wait for the disk (WAL with synchronous=NORMAL on SQLite, asynchronous
    # commit on PostgreSQL): on this shared VM an fsync takes 2 to 20 ms from one run to the
    # next, which would drown what the modes themselves cost.
    if kind == "sqlite":
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": name,
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"},
            }
        }
    return {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "USER": "postgres",
            "NAME": name,
            "OPTIONS": {"options": "-c synchronous_commit=off"},
        }
    }


def worker(args: argparse.Namespace) -> None:
    """One configuration: write ``--events`` events, one per transaction, then relay them."""
    from django.conf import settings  # noqa: PLC0415

    import django  # noqa: PLC0415  (configured here, in the worker process only)

    route: dict[str, Any] = {"event_key_field": "enrollment.course.course_key", "enabled": True}
    if args.mode != "none":
        route["mode"] = args.mode
    settings.configure(
        INSTALLED_APPS=["openedx_events"],
        DATABASES=_databases(args.db, args.db_name),
        USE_TZ=True,
        EVENT_BUS_PRODUCER="openedx_events.event_bus.redis.create_producer",
        EVENT_BUS_REDIS_CONNECTION_URL=args.redis,
        EVENT_BUS_TOPIC_PREFIX=f"bench{os.getpid()}",
        EVENT_BUS_PRODUCER_CONFIG={} if args.mode == "none" else {ENROLLED: {"enrollments": route}},
    )
    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection, transaction  # noqa: PLC0415

    from openedx_events.django.relay import OutboxRelay  # noqa: PLC0415
    from openedx_events.event_bus import get_backend, get_producer  # noqa: PLC0415
    from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED  # noqa: PLC0415
    from openedx_events.samples import sample_event_data  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_enrollment (id INTEGER PRIMARY KEY, course TEXT)"
        )
        cursor.execute("DELETE FROM bench_enrollment")
    samples = [sample_event_data(COURSE_ENROLLMENT_CREATED, i) for i in range(args.events)]
    get_producer()  # connected before the clock starts
    start = time.perf_counter()
    for index, data in enumerate(samples):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO bench_enrollment (id, course) VALUES (%s, %s)",
                    [index, str(data["enrollment"].course.course_key)],
                )
            COURSE_ENROLLMENT_CREATED.send_event(**data)
    write = time.perf_counter() - start
    relay = 0.0
    if args.mode == "outbox":
        start = time.perf_counter()
        stats = OutboxRelay(batch_size=500).run(once=True)
        relay = time.perf_counter() - start
        assert stats.published == args.events, stats
    if args.mode != "none":
        backend = get_backend()
        topic = f"bench{os.getpid()}-enrollments"
        stored = sum(info.length for info in backend.topics() if info.name == topic)
        assert stored == args.events, f"{stored} of {args.events} events reached Redis"
    print(json.dumps({"write": write, "relay": relay}))


def _run_worker(script: Path, **options: Any) -> dict[str, float]:
    command = [sys.executable, str(script), "--worker"]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{options}: {result.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _postgres(action: str, name: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", action + name],
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer events, one round")
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--db-name", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--redis", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    events, rounds = (500, 1) if args.quick else (args.events, args.rounds)
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        sys.exit("bench/outbox.py needs redis-server")
    directory = Path(tempfile.mkdtemp(prefix="oe-bench-outbox-"))
    port = _free_port()
    server = subprocess.Popen(
        [
            redis_server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
    )
    pg_name = f"oe_bench_{uuid.uuid4().hex[:10]}"
    _postgres("CREATE DATABASE ", pg_name)
    best: dict[tuple[str, str], dict[str, float]] = {}
    try:
        time.sleep(0.3)
        for _ in range(rounds):
            for db in ("sqlite", "postgresql"):
                for mode in MODES:
                    name = str(directory / f"{mode}.sqlite3") if db == "sqlite" else pg_name
                    figures = _run_worker(
                        Path(__file__).resolve(),
                        db=db,
                        db_name=name,
                        mode=mode,
                        redis=f"redis://127.0.0.1:{port}/0",
                        events=events,
                    )
                    if db == "sqlite":
                        Path(name).unlink()
                    kept = best.get((db, mode))
                    if (
                        kept is None
                        or figures["write"] + figures["relay"] < kept["write"] + kept["relay"]
                    ):
                        best[(db, mode)] = figures
    finally:
        server.terminate()
        server.wait()
        _postgres("DROP DATABASE IF EXISTS ", pg_name)
        shutil.rmtree(directory, ignore_errors=True)
    print(f"{events:,} events, one per transaction; events/s, best of {rounds}")
    print(
        "| database | mode | write (in transactions) | relay to Redis | end to end"
        " | end to end / no bus |"
    )
    print("|---|---|--:|--:|--:|--:|")
    for db in ("sqlite", "postgresql"):
        floor = events / best[(db, "none")]["write"]
        for mode in MODES:
            figures = best[(db, mode)]
            total = events / (figures["write"] + figures["relay"])
            relay = f"{events / figures['relay']:,.0f}" if figures["relay"] else "-"
            label = "no bus (floor)" if mode == "none" else mode
            print(
                f"| {db} | {label} | {events / figures['write']:,.0f} | {relay} | "
                f"{total:,.0f} | {total / floor:.2f} |"
            )


if __name__ == "__main__":
    main()
