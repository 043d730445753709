"""``openedx-events dlq``: the events a topic's consumers could not handle, and replaying them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openedx_events.cli import _bus
from openedx_events.cli._common import bus_options

__all__ = ["dlq"]


@click.group()
def dlq() -> None:
    """Dead letters: events that failed every attempt, kept with the reason."""


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


@dlq.command("list")
@click.option("--topic", required=True, help="The topic whose dead letters to list.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@bus_options
def list_dead_letters(*, topic: str, as_json: bool) -> None:
    """List the dead letters of TOPIC, oldest first."""
    letters = list(_bus.dead_letters(topic))
    if as_json:
        rows = [
            {
                "dlq_position": str(letter.record.position),
                "topic": letter.topic,
                "position": letter.position,
                "event_type": letter.event_type,
                "event_id": letter.event_id,
                "group": letter.group,
                "consumer": letter.consumer,
                "reason": letter.reason,
                "attempts": letter.attempts,
                "error": letter.error,
                "failed_at": letter.failed_at,
            }
            for letter in letters
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(letters)} dead letter(s) of {escape(topic)}")
    for name in ("#", "reason", "tries"):
        table.add_column(name, no_wrap=True)
    for name in ("event type", "event id", "failed at", "error"):
        table.add_column(name, overflow="fold")
    for letter in letters:
        table.add_row(
            str(letter.record.position),
            letter.reason,
            str(letter.attempts),
            escape(letter.event_type),
            letter.event_id,
            _when(letter.failed_at),
            escape(letter.error.splitlines()[-1] if letter.error else ""),
        )
    Console().print(table)


@dlq.command("replay")
@click.option("--topic", required=True, help="The topic whose dead letters to send again.")
@click.option(
    "--position",
    "positions",
    multiple=True,
    help="Replay this dead letter (the # of `dlq list`); repeatable. Default: every dead "
    "letter not replayed yet.",
)
@bus_options
def replay(*, topic: str, positions: tuple[str, ...]) -> None:
    """Publish dead letters of TOPIC to it again, for its consumers to retry."""
    try:
        new = _bus.replay(topic, list(positions) if positions else None)
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--position") from error
    click.echo(f"replayed {len(new)} dead letter(s) to {topic}")
