"""Running the test project: its PostgreSQL databases and the environment of its processes."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openedx_events.event_bus import decode_record
from openedx_events.event_bus.sqlite import SqliteBackend

PROJECT_DIR = Path(__file__).resolve().parent
PG_HOST, PG_PORT = "127.0.0.1", 5432


def pg_user(host: str = PG_HOST, port: int = PG_PORT) -> str:
    """The first of ``postgres`` and ``root`` the server lets in (trust authentication)."""
    import psycopg  # noqa: PLC0415  (only the PostgreSQL tests need it)

    errors = []
    for user in ("postgres", "root"):
        try:
            with psycopg.connect(host=host, port=port, user=user, dbname="postgres"):
                return user
        except psycopg.OperationalError as error:
            errors.append(str(error))
    raise RuntimeError(f"PostgreSQL at {host}:{port} lets neither postgres nor root in: {errors}")


def create_database(name: str, host: str = PG_HOST, port: int = PG_PORT) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(
        host=host, port=port, user=pg_user(host, port), dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str, host: str = PG_HOST, port: int = PG_PORT) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(
        host=host, port=port, user=pg_user(host, port), dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def project_env(
    database: str,
    db_name: str | None,
    bus: Path,
    *,
    pg_host: str = PG_HOST,
    pg_port: int = PG_PORT,
    **extra: str,
) -> dict[str, str]:
    """The environment that runs the test project on ``database`` (sqlite or postgresql)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
        ),
        "DJANGO_SETTINGS_MODULE": "djproject.settings",
        "DJPROJECT_DATABASE": database,
        "DJPROJECT_BUS": str(bus),
        "PYTHONWARNINGS": "error",
        **extra,
    }
    if db_name is not None:
        env["DJPROJECT_DB_NAME"] = db_name
    if database == "postgresql":
        env.update(
            DJPROJECT_PGHOST=pg_host,
            DJPROJECT_PGPORT=str(pg_port),
            DJPROJECT_PGUSER=pg_user(pg_host, pg_port),
        )
    return env


class Project:
    """The test project on one database, with its own bus file; runs its commands."""

    def __init__(
        self,
        directory: Path,
        database: str,
        db_name: str,
        *,
        pg_host: str = PG_HOST,
        pg_port: int = PG_PORT,
        **env: str,
    ) -> None:
        self.directory = directory
        self.database = database
        self.db_name = db_name
        self.bus = directory / "bus.db"
        env = {"DJPROJECT_ROUTE": "1", "DJPROJECT_MODE": "outbox", **env}
        self.env = project_env(database, db_name, self.bus, pg_host=pg_host, pg_port=pg_port, **env)
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: dict[int, Path] = {}

    def start(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        """Start ``manage.py ARGS``; its output goes to a log file."""
        log = self.directory / f"{args[0]}-{len(self.processes)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "django", *args],
                env={**self.env, **env},
                cwd=PROJECT_DIR,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.logs[process.pid] = log
        self.processes.append(process)
        return process

    def finish(self, process: subprocess.Popen[bytes], timeout: float = 120) -> str:
        """Wait for ``process`` to succeed; its output."""
        process.wait(timeout=timeout)
        output = self.logs[process.pid].read_text()
        assert process.returncode == 0, output[-3000:]
        return output

    def run(self, *args: str, **env: str) -> str:
        """Run ``manage.py ARGS`` to success; its output."""
        return self.finish(self.start(*args, **env))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        """Rows of ``query`` on the project's database, read from outside Django."""
        if self.database == "sqlite":
            with contextlib.closing(sqlite3.connect(self.db_name, timeout=30)) as conn:
                return conn.execute(query).fetchall()
        import psycopg  # noqa: PLC0415

        host, port = self.env["DJPROJECT_PGHOST"], int(self.env["DJPROJECT_PGPORT"])
        with psycopg.connect(
            host=host, port=port, user=self.env["DJPROJECT_PGUSER"], dbname=self.db_name
        ) as conn:
            return conn.execute(query).fetchall()  # type: ignore[arg-type]

    def sent(self) -> int:
        """How many outbox rows were marked sent."""
        return int(
            self.sql("SELECT COUNT(*) FROM openedx_events_outbox WHERE sent_at IS NOT NULL")[0][0]
        )

    def published_users(self, topic: str = "enrollments") -> list[int]:
        """The user ids of the enrollment events on the bus, in bus order."""
        backend = SqliteBackend(self.bus)
        try:
            users: list[int] = []
            last = None
            while True:
                records = backend.read(topic, after=last or 0, limit=1000)
                if not records:
                    return users
                users.extend(decode_record(r).data["enrollment"].user.id for r in records)
                last = records[-1].position
        finally:
            backend.close()


@contextlib.contextmanager
def migrated_project(directory: Path, database: str, **env: str) -> Iterator[Project]:
    """The test project, migrated, on a database of its own (``sqlite`` or ``postgresql``).

    A PostgreSQL database is created for it and dropped afterwards; its processes are stopped.
    """
    if database == "postgresql":
        db_name = f"oe_{uuid.uuid4().hex[:12]}"
        create_database(db_name)
    else:
        db_name = str(directory / "db.sqlite3")
    made = Project(directory, database, db_name, **env)
    try:
        made.run("migrate", "--verbosity", "0")
        yield made
    finally:
        made.stop_all()
        if database == "postgresql":
            drop_database(db_name)
