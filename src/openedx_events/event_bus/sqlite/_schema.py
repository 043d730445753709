"""The tables of the embedded bus, in one SQLite file.

One log table holds every topic: a topic is a column, bound as a parameter, never part of the
SQL text, so any topic name is safe. Positions are the log's rowids (``AUTOINCREMENT``, so a
position is never reused), which SQLite hands out in commit order: a reader never sees a later
position before an earlier one is committed.
"""

from __future__ import annotations

import sqlite3

__all__ = ["SCHEMA_VERSION", "create_schema"]

SCHEMA_VERSION = 1

_TABLES = """
CREATE TABLE IF NOT EXISTS bus_messages (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    key TEXT,
    headers TEXT NOT NULL,
    payload BLOB NOT NULL,
    appended_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS bus_messages_by_topic ON bus_messages (topic, position);
CREATE TABLE IF NOT EXISTS bus_topics (
    topic TEXT PRIMARY KEY,
    length INTEGER NOT NULL,
    last_position INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bus_groups (
    topic TEXT NOT NULL,
    group_name TEXT NOT NULL,
    next_position INTEGER NOT NULL,
    PRIMARY KEY (topic, group_name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bus_claims (
    topic TEXT NOT NULL,
    group_name TEXT NOT NULL,
    first INTEGER NOT NULL,
    last INTEGER NOT NULL,
    done INTEGER NOT NULL,
    consumer TEXT NOT NULL,
    heartbeat REAL NOT NULL,
    PRIMARY KEY (topic, group_name, first)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bus_processed (
    topic TEXT NOT NULL,
    group_name TEXT NOT NULL,
    event_id TEXT NOT NULL,
    processed_at REAL NOT NULL,
    PRIMARY KEY (topic, group_name, event_id)
) WITHOUT ROWID;
"""


def create_schema(connection: sqlite3.Connection) -> None:
    """Create the tables unless the file already has them (then only read its version)."""
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version >= SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        for statement in _TABLES.split(";"):
            if statement.strip():
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
