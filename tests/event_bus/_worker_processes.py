"""Real producer and consumer processes (``_bus_worker.py``) on a bus the environment names.

The fault tests of every backend start, kill and restart these processes; each test module
says which bus they use by the settings it puts in :attr:`WorkerProcesses.env`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["TOPIC", "WORKER", "WorkerProcesses", "wait_for"]

WORKER = Path(__file__).with_name("_bus_worker.py")
TOPIC = "enrollments"


class WorkerProcesses:
    """Worker processes started in ``directory``, with the settings of :attr:`env`."""

    def __init__(self, directory: Path, **settings: str) -> None:
        self.directory = directory
        self.env = dict(os.environ, **settings)
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: dict[int, Path] = {}

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        # stderr goes to a file: a pipe nobody reads would block a chatty process.
        log = self.directory / f"process-{len(self.processes)}.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, str(WORKER), *args],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        self.logs[process.pid] = log
        self.processes.append(process)
        return process

    def finish(self, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
        process.wait(timeout=timeout)
        assert process.returncode == 0, self.logs[process.pid].read_text()[-3000:]

    def consumer(self, name: str, out: str, *extra: str) -> subprocess.Popen[bytes]:
        """A consumer of group ``g`` that writes each delivered event id to ``out``."""
        return self.start("consume", TOPIC, "g", name, str(self.directory / out), *extra)

    def delivered(self, *outs: str) -> list[str]:
        """The ids the consumers writing to ``outs`` delivered, in order, repeats included."""
        lines: list[str] = []
        for out in outs:
            path = self.directory / out
            if path.exists():
                lines.extend(path.read_text().split())
        return lines

    def stop(
        self, process: subprocess.Popen[bytes], how: int = signal.SIGTERM, timeout: float = 30
    ) -> None:
        process.send_signal(how)
        self.finish(process, timeout=timeout)

    def close(self) -> None:
        """Kill what is still running (a fixture's teardown)."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Wait until ``condition()`` holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
