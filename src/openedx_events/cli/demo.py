"""``openedx-events demo``: the main job, end to end on the embedded SQLite event bus.

One producer process sends sample events of every bus-compatible type; consumer processes of
one consumer group deliver them to receivers that record what they got. A closing table tells
what arrived, how fast, and how late; the command exits with status 1 when an event was lost.
"""

from __future__ import annotations

import math
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from openedx_events.cli._bus import dead_letters
from openedx_events.cli._demo_run import DemoConfig, RunOutcome, run_processes, tail_log
from openedx_events.cli._demo_stats import (
    DemoStats,
    TypeStats,
    consumer_file,
    percentile,
    producer_file,
    read_stats,
    runtime_retries,
)
from openedx_events.cli._wire import bus_signals, configure_sqlite_bus
from openedx_events.event_bus.sqlite import SqliteBackend
from openedx_events.exceptions import OpenEdxEventException

__all__ = ["demo"]

EXIT_LOST = 1
EXIT_WORKER_FAILED = 3


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.1f}"


def _subdomain(event_type: str) -> str:
    return event_type.removeprefix("org.openedx.").split(".", 1)[0]


def _table(stats: DemoStats, dead: Counter[str]) -> Table:
    """One row per subdomain, so the table stays short and the summary in view."""
    groups: dict[str, TypeStats] = {}
    for row in stats.by_type.values():
        group = groups.setdefault(_subdomain(row.event_type), TypeStats(row.event_type))
        group.produced += row.produced
        group.delivered += row.delivered
        group.retried += row.retried
        group.latencies_ms.extend(row.latencies_ms)
    dead_by_group = Counter[str]()
    for event_type, number in dead.items():
        dead_by_group[_subdomain(event_type)] += number
    table = Table(title="Events per subdomain (org.openedx.…)", show_footer=True)
    table.add_column("subdomain", footer="total", no_wrap=True)
    columns = ("sent", "delivered", "p50 ms", "p99 ms", "retried", "DLQ")
    for name in columns:
        table.add_column(name, justify="right", no_wrap=True)
    for name, row in sorted(groups.items()):
        table.add_row(
            name,
            f"{row.produced:,}",
            f"{row.delivered:,}",
            _ms(row.p50_ms),
            _ms(row.p99_ms),
            f"{row.retried:,}",
            f"{dead_by_group[name]:,}",
        )
    latencies = stats.latencies_ms
    totals = (
        f"{len(stats.produced_ids):,}",
        f"{len(stats.delivered_ids & stats.produced_ids):,}",
        _ms(percentile(latencies, 0.50)),
        _ms(percentile(latencies, 0.99)),
        f"{stats.retried:,}",
        f"{dead.total():,}",
    )
    for column, footer in zip(table.columns[1:], totals, strict=True):
        column.footer = footer
    return table


def _summary(stats: DemoStats, config: DemoConfig, dead: int, wall: float) -> Table:
    retries = runtime_retries(config.run_dir, config.consumers)
    delivered = len(stats.delivered_ids & stats.produced_ids)
    lost = len(stats.lost_ids)
    table = Table(title="Summary", show_header=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    table.add_row("events produced", f"{len(stats.produced_ids):,}")
    table.add_row("events delivered", f"{delivered:,}")
    table.add_row("lost", f"[red]{lost:,}[/red]" if lost else "0")
    table.add_row("duplicate deliveries", f"{stats.duplicates:,}")
    table.add_row("consumers (one group)", str(config.consumers))
    table.add_row("first sent → last delivered", f"{stats.elapsed:,.2f} s")
    rate = delivered / stats.elapsed if stats.elapsed else 0.0
    table.add_row("end-to-end throughput", f"{rate:,.0f} events/s")
    table.add_row("wall time (with process start-up)", f"{wall:,.2f} s")
    latencies = stats.latencies_ms
    table.add_row(
        "latency p50 / p99",
        f"{_ms(percentile(latencies, 0.5))} / {_ms(percentile(latencies, 0.99))} ms",
    )
    table.add_row("failed attempts (injected)", f"{stats.failed_attempts:,}")
    table.add_row("retried, then delivered", f"{stats.retried:,}")
    table.add_row("retries counted by the consumers", "-" if retries is None else f"{retries:,}")
    table.add_row("dead letters", f"{dead:,}")
    return table


@click.command()
@click.option(
    "--count",
    default=20_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Events to produce, round-robin over every bus-compatible type.",
)
@click.option(
    "--consumers",
    default=2,
    show_default=True,
    type=click.IntRange(min=0),
    help="Consumer processes in the consumer group.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite bus database to use (default: a temporary file).",
)
@click.option(
    "--fail-every",
    default=1000,
    show_default=True,
    type=click.IntRange(min=0),
    help="The receiver fails the first attempt at about 1 event in N (0: never).",
)
@click.option(
    "--retry-delay",
    default=0.02,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds the consumers wait before retrying a failed event.",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Give up after this many seconds without a delivery once producing ended.",
)
def demo(
    *,
    count: int,
    consumers: int,
    db: Path | None,
    fail_every: int,
    retry_delay: float,
    timeout: float,
) -> None:
    """Run the main job: sample events of every type through the embedded event bus.

    Exits 0 when every event produced was delivered, 1 when some never were, and 3 when a
    producer or consumer process failed.
    """
    console = Console()
    if db is not None:
        if not db.parent.is_dir():
            raise click.BadParameter(
                f"cannot create {db}: the folder {db.parent} does not exist", param_hint="--db"
            )
        _check_bus_file(db)
    with tempfile.TemporaryDirectory(prefix="openedx-events-demo-") as scratch:
        run_dir = Path(scratch)
        config = DemoConfig(
            db=db if db is not None else run_dir / "bus.sqlite3",
            run_dir=run_dir,
            topic=f"demo-{uuid.uuid4().hex[:8]}",
            group="demo-receivers",
            count=count,
            consumers=consumers,
            fail_every=fail_every,
            retry_delay=retry_delay,
            timeout=timeout,
        )
        types = len(bus_signals())
        console.print(
            f"Producing [bold]{count:,}[/bold] sample events of {types} bus-compatible types "
            f"to topic [bold]{config.topic}[/bold] on the SQLite bus at {config.db}; "
            f"{consumers} consumer process(es) in group [bold]{config.group}[/bold] deliver "
            "them to recording receivers."
        )
        if fail_every:
            console.print(
                f"Injected fault: the receiver fails the first attempt at about 1 event in "
                f"{fail_every:,} (by event id); the consumer retries it after {retry_delay:g} s, "
                "and it must not be lost."
            )
        started = time.monotonic()
        outcome = run_processes(config, console)
        wall = time.monotonic() - started
        stats = read_stats(
            producer_file(run_dir),
            [consumer_file(run_dir, number) for number in range(1, consumers + 1)],
        )
        configure_sqlite_bus(config.db)
        try:
            dead = Counter(letter.event_type for letter in dead_letters(config.topic))
        except OpenEdxEventException as error:
            console.print(f"[red]Could not read the dead letters: {error}[/red]")
            dead = Counter()
        console.print(_table(stats, dead))
        console.print(_summary(stats, config, dead.total(), wall))
        _report_failures(console, outcome, config)
        lost = stats.lost_ids
        if lost:
            console.print(f"[red bold]{len(lost):,} event(s) were never delivered.[/red bold]")
            raise SystemExit(EXIT_LOST)
        workers = (outcome.producer_returncode, *outcome.consumer_returncodes)
        if any(workers) or len(stats.produced_ids) != count:
            console.print("[red bold]A worker process failed.[/red bold]")
            raise SystemExit(EXIT_WORKER_FAILED)
        console.print("[green bold]Every event was delivered.[/green bold]")


def _check_bus_file(db: Path) -> None:
    """Open ``db`` once here, so a broken file is one clear error, not failing workers."""
    backend = SqliteBackend(db)
    try:
        backend.topics()
    finally:
        backend.close()


def _report_failures(console: Console, outcome: RunOutcome, config: DemoConfig) -> None:
    if outcome.producer_returncode != 0:
        console.print(f"[red]The producer failed (exit {outcome.producer_returncode}):[/red]")
        console.print(tail_log(config.run_dir / "producer.log"), markup=False)
    for number, returncode in enumerate(outcome.consumer_returncodes, start=1):
        if returncode != 0:
            console.print(f"[red]Consumer {number} failed (exit {returncode}):[/red]")
            console.print(tail_log(config.run_dir / f"consumer-{number}.log"), markup=False)
    if outcome.timed_out:
        console.print(
            f"[yellow]No delivery for {config.timeout:g} s after producing ended; "
            "stopped waiting.[/yellow]"
        )
