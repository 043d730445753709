"""``openedx-events topics`` and ``trim``: what the bus holds, and letting old records go."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openedx_events.cli import _bus
from openedx_events.cli._common import bus_name, bus_options
from openedx_events.event_bus import Position

__all__ = ["topics", "trim"]

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"(\d+)([smhdw])")

# click.ParamType takes a type argument only in recent click releases; subscripting it at run
# time would break the older ones the package allows.
if TYPE_CHECKING:
    _DurationBase = click.ParamType[timedelta]
else:
    _DurationBase = click.ParamType


class Duration(_DurationBase):
    """A length of time such as ``90s``, ``15m``, ``12h``, ``7d`` or ``2w``."""

    name = "duration"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = _DURATION.fullmatch(str(value).strip())
        if match is None:
            self.fail(f"{value!r} is not a duration like 90s, 15m, 12h, 7d or 2w", param, ctx)
        amount, unit = match.groups()
        return timedelta(**{_UNITS[unit]: int(amount)})


def _json_position(position: Position | None) -> int | str | None:
    # Positions are ints on some backends and stream ids or pairs on others; JSON gets text.
    if position is None or isinstance(position, int):
        return position
    return str(position)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@bus_options
def topics(*, as_json: bool) -> None:
    """List the topics of the bus, with their consumer groups and how far behind they are."""
    found = _bus.topics()
    if as_json:
        rows = [
            {
                "topic": info.name,
                "records": info.length,
                "last_position": _json_position(info.last_position),
                "groups": [
                    {
                        "group": group.group,
                        "committed": _json_position(group.committed),
                        "lag": group.lag,
                        "pending": group.pending,
                        "consumers": list(group.consumers),
                    }
                    for group in groups
                ],
            }
            for info, groups in found
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="topics")
    table.add_column("topic", overflow="fold", ratio=1)
    for name in ("records", "last"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("group", overflow="fold", ratio=1)
    for name in ("committed", "lag", "pending", "consumers"):
        table.add_column(name, justify="right", no_wrap=True)
    for info, groups in found:
        last = "" if info.last_position is None else str(info.last_position)
        first = [escape(info.name), f"{info.length:,}", last]
        if not groups:
            table.add_row(*first, "", "", "", "", "")
        for index, group in enumerate(groups):
            table.add_row(
                *(first if index == 0 else ["", "", ""]),
                escape(group.group),
                "" if group.committed is None else str(group.committed),
                f"{group.lag:,}",
                f"{group.pending:,}",
                str(len(group.consumers)),
            )
    Console().print(table)


@click.command()
@click.option("--topic", required=True, callback=bus_name("topic"), help="The topic to trim.")
@click.option(
    "--older-than",
    "age",
    required=True,
    type=Duration(),
    help="Delete records appended longer ago than this (90s, 15m, 12h, 7d, 2w).",
)
@click.option(
    "--unconsumed",
    is_flag=True,
    help="Delete old records even if a consumer group has not handled them yet.",
)
@bus_options
def trim(*, topic: str, age: timedelta, unconsumed: bool) -> None:
    """Delete the old records of the --topic that every consumer group has handled.

    Records a group has yet to commit stay, whatever their age, unless --unconsumed. The
    idempotency guard forgets the event ids processed before the same cutoff.
    """
    before = datetime.now(UTC) - age
    deleted = _bus.trim(topic, before=before, unconsumed=unconsumed)
    click.echo(
        f"deleted {deleted:,} record(s) of {topic} appended before {before:%Y-%m-%d %H:%M:%S} UTC"
    )
