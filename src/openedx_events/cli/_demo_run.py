"""Runs the demo's processes: one producer, N consumers in one group, and a live progress bar."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import attrs
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from openedx_events.cli._demo_stats import (
    DELIVERED,
    RecordTail,
    consumer_file,
    producer_file,
    ready_file,
)

__all__ = ["DemoConfig", "RunOutcome", "run_processes"]

_POLL_SECONDS = 0.1
_STOP_GRACE_SECONDS = 10.0
_START_SECONDS = 60.0


@attrs.frozen
class DemoConfig:
    """What one demo run does."""

    db: Path
    run_dir: Path
    topic: str
    group: str
    count: int
    consumers: int
    fail_every: int
    retry_delay: float
    timeout: float


@attrs.frozen
class RunOutcome:
    """How the processes ended."""

    producer_returncode: int
    consumer_returncodes: tuple[int, ...]
    timed_out: bool


def _worker(*args: str) -> list[str]:
    return [sys.executable, "-m", "openedx_events.cli._demo_worker", *args]


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as stderr:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Ask each process to finish (SIGTERM), then kill those that do not in time."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + _STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(consumers: list[subprocess.Popen[bytes]], run_dir: Path) -> None:
    """Wait until every consumer is about to consume (or has died), so none misses the start."""
    deadline = time.monotonic() + _START_SECONDS
    waiting = dict(enumerate(consumers, start=1))
    while waiting and time.monotonic() < deadline:
        for number, process in list(waiting.items()):
            if ready_file(run_dir, number).exists() or process.poll() is not None:
                del waiting[number]
        time.sleep(_POLL_SECONDS / 5)


def run_processes(config: DemoConfig, console: Console) -> RunOutcome:
    """Start the consumers, then (once they are ready) the producer; show progress; stop all.

    The run is done when every produced event was delivered once, when ``timeout`` seconds
    pass without a new delivery after the producer finished, or when every consumer died.
    """
    common = ("--db", str(config.db), "--run-dir", str(config.run_dir), "--topic", config.topic)
    consumers = [
        _start(
            _worker(
                "consumer",
                *common,
                "--group",
                config.group,
                "--number",
                str(number),
                "--fail-every",
                str(config.fail_every),
                "--retry-delay",
                str(config.retry_delay),
            ),
            config.run_dir / f"consumer-{number}.log",
        )
        for number in range(1, config.consumers + 1)
    ]
    try:
        _wait_until_ready(consumers, config.run_dir)
    except BaseException:
        _stop(consumers)
        raise
    producer = _start(
        _worker("producer", *common, "--count", str(config.count)),
        config.run_dir / "producer.log",
    )
    produced = RecordTail(producer_file(config.run_dir))
    delivered = [
        RecordTail(consumer_file(config.run_dir, number), DELIVERED)
        for number in range(1, config.consumers + 1)
    ]
    timed_out = False
    columns = (
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            sent_task = progress.add_task("produced", total=config.count)
            got_task = progress.add_task("delivered", total=config.count)
            last_change, last_total = time.monotonic(), -1
            while True:
                producer_done = producer.poll() is not None
                sent = produced.update()
                got: set[str] = set().union(*(tail.update() for tail in delivered))
                progress.update(sent_task, completed=len(sent))
                progress.update(got_task, completed=len(got & sent))
                now = time.monotonic()
                if len(got) != last_total or not producer_done:
                    last_total, last_change = len(got), now
                if producer_done and (producer.returncode != 0 or sent <= got):
                    break
                if consumers and all(process.poll() is not None for process in consumers):
                    break  # every consumer died: nothing more can arrive
                if producer_done and now - last_change > config.timeout:
                    timed_out = True
                    break
                time.sleep(_POLL_SECONDS)
    finally:
        _stop([producer, *consumers])
    return RunOutcome(
        producer_returncode=producer.returncode,
        consumer_returncodes=tuple(process.returncode for process in consumers),
        timed_out=timed_out,
    )


def tail_log(path: Path, lines: int = 15) -> str:
    """The last lines of a worker's log, to show why it failed."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return os.linesep.join(text.splitlines()[-lines:])
