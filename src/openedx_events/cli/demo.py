"""``openedx-events demo``: send sample events of every type and show what receivers got."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from openedx_events._private.registry import load_all_signals
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.samples import sample_event_data


@click.command()
@click.option("--per-type", default=100, show_default=True, help="Events to send of each type.")
def demo(per_type: int) -> None:
    """Send sample events of every catalog type in-process and report what receivers got."""
    console = Console()
    load_all_signals()
    signals = OpenEdxPublicSignal.all_events()
    received: Counter[str] = Counter()

    def count(signal: OpenEdxPublicSignal, **kwargs: Any) -> None:
        received[signal.event_type] += 1

    for signal in signals:
        signal.connect(count)
    payloads = [(s, sample_event_data(s, i)) for s in signals for i in range(per_type)]
    started = time.perf_counter()
    for signal, data in payloads:
        signal.send_event(**data)
    elapsed = time.perf_counter() - started

    table = Table(title=f"{len(payloads):,} events sent in-process")
    table.add_column("event type")
    table.add_column("received", justify="right")
    for signal in signals:
        table.add_row(signal.event_type, f"{received[signal.event_type]:,}")
    console.print(table)
    total = sum(received.values())
    console.print(f"{total:,} delivered in {elapsed:.3f}s ({total / elapsed:,.0f} events/s)")
    if total != len(payloads):
        raise SystemExit(1)
