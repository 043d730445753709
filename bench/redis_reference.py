"""The reference's Redis bus in its own virtualenv, for interop tests and ``redis_bus.py``.

edx-event-bus-redis 1.1.2 on openedx-events 11.2.0 needs Python 3.12 and Django, so it runs in
``bench/.venv-redis-reference`` (built on first use by ``reference_env.python312_venv``) through
``redis_reference_driver.py``; events cross over as JSON lines of headers and hex Avro bytes.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reference_env import have_python312, python312_venv

__all__ = [
    "REDIS_REFERENCE_REQUIREMENTS",
    "ReferenceBus",
    "have_python312",
    "write_events",
]

REDIS_REFERENCE_REQUIREMENTS = (
    "openedx-events==11.2.0",
    "edx-event-bus-redis==1.1.2",
    "Django>=4.2,<7",
)
DRIVER = Path(__file__).resolve().with_name("redis_reference_driver.py")


def write_events(path: Path, events: Iterable[tuple[Mapping[str, str], bytes, str | None]]) -> Path:
    """Write ``(headers, avro payload, event key field)`` as the driver's JSON lines."""
    with path.open("w", encoding="utf-8") as out:
        for headers, payload, key_field in events:
            line = {
                "type": headers["type"],
                "headers": dict(headers),
                "payload": payload.hex(),
                "key_field": key_field,
            }
            out.write(json.dumps(line) + "\n")
    return path


class ReferenceBus:
    """The reference's producer and consumer on the Redis at ``url``, topics under ``prefix``."""

    def __init__(self, url: str, prefix: str, workdir: Path) -> None:
        self.url = url
        self.prefix = prefix
        self.workdir = workdir
        self.python = python312_venv("redis-reference", REDIS_REFERENCE_REQUIREMENTS)
        self._runs = itertools.count()

    def _start(self, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
        summary = self.workdir / f"reference-summary-{next(self._runs)}.json"
        # Our own settings must not leak into the reference's process.
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("EVENTS_", "EVENT_BUS_", "DJANGO_", "PYTHON"))
        }
        command = [str(self.python), str(DRIVER), self.url, self.prefix, *args]
        process = subprocess.Popen([*command, "--summary", str(summary)], cwd=self.workdir, env=env)
        return process, summary

    @staticmethod
    def _finish(started: tuple[subprocess.Popen[bytes], Path], timeout: float) -> dict[str, Any]:
        process, summary = started
        try:
            process.wait(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, process.args)
        result: dict[str, Any] = json.loads(summary.read_text(encoding="utf-8"))
        return result

    def _run(self, *args: str, timeout: float) -> dict[str, Any]:
        return self._finish(self._start(*args), timeout)

    def produce(
        self, topic: str, events: Path, *, repeat: int = 0, rate: int = 0, timeout: float = 600.0
    ) -> dict[str, Any]:
        """Send the events of the file ``events``, one ``send`` each.

        With ``repeat``, that many, cycling over the file with fresh metadata; with ``rate``,
        at about that many a second.
        """
        extra = ["--repeat", str(repeat)] if repeat else []
        if rate:
            extra += ["--rate", str(rate)]
        return self._run("produce", topic, str(events), *extra, timeout=timeout)

    def consume(
        self,
        topic: str,
        group: str,
        count: int,
        *,
        out: Path | None = None,
        latency: bool = False,
        timeout: float = 600.0,
    ) -> dict[str, Any]:
        """Consume ``count`` events of ``topic`` from its start with the reference's consumer.

        With ``out``, each event is written there as a JSON line (see the driver).
        """
        return self._finish(
            self._start_consume(
                topic=topic, group=group, count=count, out=out, latency=latency, timeout=timeout
            ),
            timeout + 30,
        )

    @contextmanager
    def consuming(
        self, topic: str, group: str, count: int, *, latency: bool = False, timeout: float = 600.0
    ) -> Iterator[Callable[[], dict[str, Any]]]:
        """Run :meth:`consume` in the background; the context gives a function that waits for it."""
        started = self._start_consume(
            topic=topic, group=group, count=count, out=None, latency=latency, timeout=timeout
        )
        try:
            yield lambda: self._finish(started, timeout + 30)
        finally:
            if started[0].poll() is None:
                started[0].kill()
                started[0].wait()

    def _start_consume(
        self,
        *,
        topic: str,
        group: str,
        count: int,
        out: Path | None,
        latency: bool,
        timeout: float,
    ) -> tuple[subprocess.Popen[bytes], Path]:
        extra = ["--out", str(out)] if out is not None else []
        if latency:
            extra.append("--latency")
        return self._start("consume", topic, group, str(count), *extra, "--timeout", str(timeout))

    def bus_types(self) -> list[str]:
        """The event types the reference can send over the bus (it has a schema for them)."""
        types: list[str] = self._run("types", timeout=120)["types"]
        return types

    def roundtrip(self, events: Path) -> list[bytes]:
        """Each payload of ``events`` as the reference's codec rewrites it (see the driver)."""
        payloads: list[str] = self._run("roundtrip", str(events), timeout=120)["payloads"]
        return [bytes.fromhex(payload) for payload in payloads]

    @staticmethod
    def read_events(out: Path) -> list[dict[str, Any]]:
        """The events a ``consume`` wrote to ``out``, in the order they were delivered."""
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
