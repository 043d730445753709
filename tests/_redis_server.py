"""A redis-server of the tests' own, on a free port, that a test may stop, kill and restart.

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

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """One ``redis-server`` process at a time, in ``directory``, on a free port.

    Args:
        directory: its working directory (the AOF and RDB files live there).
        options: extra command-line options, such as ``["--requirepass", "secret"]``.
        port: the port (a free one when 0).
        appendonly: keep an append-only file (no persistence at all otherwise). With
            ``appendfsync always`` every write is on disk before Redis answers it, so even a
            kill -9 of the server loses nothing that a client was told was stored.
        appendfsync: ``always``, ``everysec`` or ``no``.
    """

    def __init__(
        self,
        directory: Path,
        options: list[str] | None = None,
        port: int = 0,
        *,
        appendonly: bool = False,
        appendfsync: str = "always",
    ) -> None:
        assert REDIS_SERVER is not None, "redis-server is not installed"
        self.directory = directory
        self.options = options or []
        self.port = port or free_port()
        self.appendonly = appendonly
        self.appendfsync = appendfsync
        self.process: subprocess.Popen[bytes] | None = None

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

    def start(self, *, wait_port: int | None = None, timeout: float = 20.0) -> RedisServer:
        """Start the server (again) and wait until it serves its data.

        With ``wait_port`` (a TLS port, say), wait only until that port accepts connections.
        """
        assert REDIS_SERVER is not None
        assert self.process is None or self.process.poll() is not None, "already running"
        self.directory.mkdir(parents=True, exist_ok=True)
        persistence = ["--appendonly", "yes" if self.appendonly else "no"]
        if self.appendonly:
            persistence += ["--appendfsync", self.appendfsync]
        with self.log.open("ab") as log_file:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    *persistence,
                    "--dir",
                    str(self.directory),
                    *self.options,
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while not (self._listens(wait_port) if wait_port else self._serves()):
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server did not answer within {timeout} s")
            time.sleep(0.02)
        return self

    def _listens(self, port: int) -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            return False
        return True

    def _serves(self) -> bool:
        # Redis answers LOADING while the AOF or RDB file is read back: wait for the data.
        try:
            with self.client() as client:
                return bool(client.info("persistence").get("loading") == 0)
        except (redis.AuthenticationError, redis.ResponseError):
            return True  # it wants a password (NOAUTH): it serves, to those who have one
        except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
            return False

    def kill(self) -> None:
        """kill -9: the server gets no chance to write anything more."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def shutdown(self, *, save: bool) -> None:
        """A graceful stop: ``SHUTDOWN SAVE`` writes an RDB snapshot first, ``NOSAVE`` does not."""
        assert self.process is not None
        # The server closes the connection as it goes: that is its answer.
        with self.client() as client, contextlib.suppress(redis.ConnectionError):
            client.shutdown(save=save, nosave=not save)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server if it runs (SIGTERM, then SIGKILL after 10 s)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
