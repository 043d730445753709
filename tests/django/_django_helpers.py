"""Running the test project: its PostgreSQL databases and the environment of its processes."""

from __future__ import annotations

import os
from pathlib import Path

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
