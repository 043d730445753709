"""The demo's worker processes: ``python -m openedx_events.cli._demo_worker producer|consumer``.

The producer sends sample events of every bus-compatible type, round-robin, and records each
event it sent. A consumer joins the demo's consumer group and connects a receiver to every
signal that records each call: event id, type and end-to-end latency (receive time minus the
event's metadata time).

The receiver fails the first attempt of about one event in ``--fail-every`` (chosen by a
hash of the event id), so that the run shows the consumer retrying. A marker file per event
remembers the failed attempt across processes: whichever consumer sees the event again
accepts it.
"""

from __future__ import annotations

import json
import os
import sys
import time
import zlib
from pathlib import Path
from typing import Any, TextIO

import attrs
import click

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.settings import configure
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.cli import _bus
from openedx_events.cli._demo_stats import (
    DELIVERED,
    FAILED,
    consumer_file,
    producer_file,
    ready_file,
    stats_file,
)
from openedx_events.cli._wire import bus_key_field, bus_signals, configure_sqlite_bus
from openedx_events.exceptions import OpenEdxEventException
from openedx_events.samples import sample_event_data

__all__ = ["DemoFault", "is_faulty"]


class DemoFault(RuntimeError):
    """The failure the demo's receiver raises on purpose, to exercise retries."""


def is_faulty(event_id: bytes, fail_every: int) -> bool:
    """Whether the demo's receiver fails the first attempt at the event ``event_id``."""
    return fail_every > 0 and zlib.crc32(event_id) % fail_every == 0


class _Recorder:
    """A receiver that records every call in this consumer's file."""

    def __init__(self, out: TextIO, faults: Path, fail_every: int) -> None:
        self.out = out
        self.faults = faults
        self.fail_every = fail_every

    def _first_attempt(self, event_id: str) -> bool:
        try:
            os.close(os.open(self.faults / event_id, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def __call__(
        self, signal: OpenEdxPublicSignal, metadata: EventsMetadata, **kwargs: Any
    ) -> None:
        received = time.time()
        latency_us = round((received - metadata.time.timestamp()) * 1_000_000)
        event_id = str(metadata.id)
        fail = is_faulty(metadata.id.bytes, self.fail_every) and self._first_attempt(event_id)
        outcome = FAILED if fail else DELIVERED
        self.out.write(f"{event_id}\t{signal.event_type}\t{latency_us}\t{outcome}\t{received}\n")
        if fail:
            raise DemoFault(f"the demo fails the first attempt at event {event_id} on purpose")


@click.group()
def _worker() -> None:
    """The demo's worker processes."""


def _main() -> int:
    try:
        _worker(standalone_mode=False)
    except OpenEdxEventException as error:  # a bus or data error: one line for the demo's log
        click.echo(f"Error: {type(error).__name__}: {error}", err=True)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0


@_worker.command()
@click.option("--db", type=click.Path(path_type=Path), required=True)
@click.option("--run-dir", type=click.Path(path_type=Path), required=True)
@click.option("--topic", required=True)
@click.option("--count", type=int, required=True)
def producer(*, db: Path, run_dir: Path, topic: str, count: int) -> None:
    """Send ``count`` sample events, round-robin over the bus-compatible types."""
    configure_sqlite_bus(db)
    signals = bus_signals()
    bus = _bus.producer()
    with producer_file(run_dir).open("w", encoding="utf-8", buffering=1) as out:
        for index in range(count):
            signal = signals[index % len(signals)]
            data = sample_event_data(signal, index)
            metadata = signal.generate_signal_metadata()
            bus.send(
                signal=signal,
                topic=topic,
                event_key_field=bus_key_field(signal),
                event_data=data,
                event_metadata=metadata,
            )
            out.write(f"{metadata.id}\t{signal.event_type}\t{metadata.time.timestamp()}\n")


@_worker.command()
@click.option("--db", type=click.Path(path_type=Path), required=True)
@click.option("--run-dir", type=click.Path(path_type=Path), required=True)
@click.option("--topic", required=True)
@click.option("--group", required=True)
@click.option("--number", type=int, required=True)
@click.option("--fail-every", type=int, required=True)
@click.option("--retry-delay", type=float, required=True)
def consumer(
    *,
    db: Path,
    run_dir: Path,
    topic: str,
    group: str,
    number: int,
    fail_every: int,
    retry_delay: float,
) -> None:
    """Deliver the topic's events to a recording receiver until stopped by SIGTERM."""
    configure_sqlite_bus(db)
    configure(EVENT_BUS_CONSUMER_RETRY_DELAY=retry_delay)
    faults = run_dir / "faults"
    faults.mkdir(exist_ok=True)
    with consumer_file(run_dir, number).open("a", encoding="utf-8", buffering=1) as out:
        recorder = _Recorder(out, faults, fail_every)
        for signal in bus_signals():
            signal.connect(recorder, weak=False)
        bus_consumer = _bus.consumer(topic, group)
        ready_file(run_dir, number).touch()
        bus_consumer.consume_indefinitely()
    stats = getattr(bus_consumer, "stats", None)
    if stats is not None:
        stats_file(run_dir, number).write_text(json.dumps(attrs.asdict(stats)))


if __name__ == "__main__":
    sys.exit(_main())
