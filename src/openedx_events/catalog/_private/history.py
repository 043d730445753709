"""The history of each event's schema, read from the schema snapshot directory.

The snapshot holds one ``.avsc`` per event; when the directory is inside a git work tree,
each commit that changed a file is a revision of that event's schema, classified against the
revision before it with the same Avro resolution rules that ``openedx-events schemas check``
applies. Outside git (an installed package) the history is empty.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from openedx_events._private.avro.evolution import breaking_changes
from openedx_events._private.avro.snapshot import schema_file_name

__all__ = ["SchemaRevision", "schema_histories"]

_GIT_TIMEOUT = 30


@attrs.frozen
class SchemaRevision:
    """One commit that changed an event's snapshot file, newest first in a history.

    ``change`` is ``added``, ``removed``, ``compatible`` or ``breaking``; ``details`` names
    each breaking change as ``direction: message``.
    """

    commit: str
    date: str
    summary: str
    change: str
    details: tuple[str, ...] = ()


def schema_histories(
    directory: Path, event_types: Iterable[str]
) -> dict[str, tuple[SchemaRevision, ...]]:
    """Each event type's revisions, newest first (empty when ``directory`` has no git log)."""
    wanted = {schema_file_name(event_type): event_type for event_type in event_types}
    log = _git(
        directory,
        "log",
        "--format=%x1e%H%x1f%h%x1f%ad%x1f%s",
        "--date=short",
        "--name-only",
        "--relative",
        "--",
        ".",
    )
    if log is None:
        return {}
    commits: dict[str, list[tuple[str, str, str, str]]] = {}
    for chunk in log.split("\x1e")[1:]:
        header, _, names = chunk.partition("\n")
        full, short, date, summary = header.split("\x1f", 3)
        for name in names.splitlines():
            if name in wanted:
                commits.setdefault(name, []).append((full, short, date, summary))
    prefix = (_git(directory, "rev-parse", "--show-prefix") or "").strip()
    contents = _contents(
        directory,
        [f"{full}:{prefix}{name}" for name, items in commits.items() for full, *_ in items],
    )
    histories: dict[str, tuple[SchemaRevision, ...]] = {}
    for name, items in commits.items():
        revisions: list[SchemaRevision] = []
        for index, (full, short, date, summary) in enumerate(items):
            schema = contents.get(f"{full}:{prefix}{name}")
            if index + 1 < len(items):
                older_full = items[index + 1][0]
                older = contents.get(f"{older_full}:{prefix}{name}")
            else:
                older = None
            change, details = _classify(older, schema)
            revisions.append(SchemaRevision(short, date, summary, change, details))
        histories[wanted[name]] = tuple(revisions)
    return histories


def _classify(older: Any, newer: Any) -> tuple[str, tuple[str, ...]]:
    if newer is None:
        return "removed", ()
    if older is None:
        return "added", ()
    changes = breaking_changes(older, newer)
    if not changes:
        return "compatible", ()
    return "breaking", tuple(f"{direction}: {problem.message}" for direction, problem in changes)


def _git(directory: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _contents(directory: Path, objects: list[str]) -> dict[str, Any]:
    """The parsed JSON of each ``commit:path`` object, read in one ``git cat-file`` call."""
    if not objects:
        return {}
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), "cat-file", "--batch"],
            input="\n".join(objects).encode() + b"\n",
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    out, position, found = done.stdout, 0, {}
    for name in objects:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            continue
        size = int(header[2])
        body, position = out[position : position + size], position + size + 1
        try:
            found[name] = json.loads(body)
        except ValueError:
            continue
    return found
