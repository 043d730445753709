"""``openedx-events schemas``: export the Avro schema snapshot and check changes against it."""

from __future__ import annotations

from pathlib import Path

import click

from openedx_events._private.avro.snapshot import SNAPSHOT_DIR, check_schemas, export_schemas
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.cli._common import resolve_signal

__all__ = ["schemas"]

_DIR_OPTION = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=SNAPSHOT_DIR,
    show_default=True,
    help="The snapshot directory (one .avsc per event).",
)


def _chosen(event_types: tuple[str, ...]) -> list[OpenEdxPublicSignal] | None:
    if not event_types:
        return None
    return [resolve_signal(name) for name in event_types]


@click.group()
def schemas() -> None:
    """The Avro schemas of the events and their evolution."""


@schemas.command("export")
@_DIR_OPTION
@click.argument("event_types", nargs=-1, metavar="[EVENT_TYPE]...")
def export(directory: Path, event_types: tuple[str, ...]) -> None:
    """Write the current schema of every event (or of the EVENT_TYPEs) to the snapshot."""
    written = export_schemas(directory, _chosen(event_types))
    click.echo(f"wrote {len(written)} schemas to {directory}")


@schemas.command("check")
@_DIR_OPTION
@click.argument("event_types", nargs=-1, metavar="[EVENT_TYPE]...")
def check(directory: Path, event_types: tuple[str, ...]) -> None:
    """Check the current schemas against the snapshot; exit 1 on any breaking change.

    Both directions count: consumers on the new schema must read old events (backward) and
    consumers still on the snapshot must read new events (forward).
    """
    results = check_schemas(directory, _chosen(event_types))
    for result in results:
        if result.status == "unchanged":
            continue
        click.echo(f"{result.status:10} {result.event_type}")
        for direction, change in result.changes:
            click.echo(f"           {direction}: {change.kind}: {change.message}")
    breaking = [result for result in results if result.breaking]
    counts = {
        status: sum(1 for result in results if result.status == status)
        for status in ("unchanged", "compatible", "breaking", "new", "removed")
    }
    click.echo(", ".join(f"{count} {status}" for status, count in counts.items()))
    if breaking:
        raise SystemExit(1)
