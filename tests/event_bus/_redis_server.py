"""A redis-server of the test's own, on a free port, that a fault test may stop, kill and restart.

The shared Redis on 6379 is never touched: a test that takes the server away needs one nobody
else uses. The server keeps its port and its data directory across restarts, so clients
configured with its URL find it again, with whatever it persisted.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

__all__ = ["RedisServer", "free_port", "have_redis_server"]


def have_redis_server() -> bool:
    """Whether a ``redis-server`` binary is on the PATH."""
    return shutil.which("redis-server") is not None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process at a time, on ``port``, persisting to ``directory``.

    Args:
        directory: its working directory (the AOF and RDB files live there).
        appendonly: keep an append-only file. With ``appendfsync always`` (the default here)
            every write is on disk before Redis answers it, so even a kill -9 loses nothing
            that a client was told was stored.
        appendfsync: ``always``, ``everysec`` or ``no``.
    """

    def __init__(
        self, directory: Path, *, appendonly: bool = True, appendfsync: str = "always"
    ) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.appendonly = appendonly
        self.appendfsync = appendfsync
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log(self) -> Path:
        return self.directory / "redis.log"

    def client(self) -> redis.Redis:
        """A new client of this server (short timeouts: a test must not hang on it)."""
        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_timeout=5, socket_connect_timeout=5
        )

    def start(self, timeout: float = 20.0) -> None:
        """Start the server (again) and wait until it answers PING with its data loaded."""
        assert self.process is None or self.process.poll() is not None, "already running"
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--logfile",
            str(self.log),
            "--save",
            "",
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            self.appendfsync,
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log.read_text()[-2000:]}")
            try:
                with self.client() as client:
                    # PING answers LOADING while the AOF is replayed; wait for real data.
                    if client.ping() and client.info("persistence").get("loading") == 0:
                        return
            except (redis.ConnectionError, redis.BusyLoadingError, redis.TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer within {timeout} s")
            time.sleep(0.05)

    def kill(self) -> None:
        """kill -9: the server gets no chance to write anything more."""
        self._signal_and_wait(signal.SIGKILL)

    def shutdown(self, *, save: bool) -> None:
        """A graceful stop: ``SHUTDOWN SAVE`` writes an RDB snapshot first, ``NOSAVE`` does not."""
        assert self.process is not None
        # The server closes the connection as it goes: that is its answer.
        with self.client() as client, contextlib.suppress(redis.ConnectionError):
            client.shutdown(save=save, nosave=not save)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server if it runs (SIGTERM, then SIGKILL after 10 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal_and_wait(signal.SIGKILL)

    def _signal_and_wait(self, how: int) -> None:
        assert self.process is not None
        self.process.send_signal(how)
        self.process.wait(timeout=30)
