"""A PostgreSQL server of the test's own, on a free port, that the test may stop and restart.

The shared server on 5432 is never touched. initdb and pg_ctl refuse to run as root, so as
root the server runs as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"no PostgreSQL {name} in /usr/lib/postgresql/*/bin or on PATH")
    return found[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """``initdb`` in a fresh folder, then ``pg_ctl`` start, restart and stop."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="oe-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.directory, "postgres")
        self._run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        subprocess.run(
            [*prefix, *command], check=True, capture_output=True, timeout=120, cwd=self.directory
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            "-w",
            action,
            *extra,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """Stop at once (every connection is cut), then start again."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "immediate")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # it may not be running
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
