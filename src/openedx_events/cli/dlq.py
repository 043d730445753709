"""``openedx-events dlq``: the events a topic's consumers could not handle, and replaying them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.markup import escape

from openedx_events.cli import _bus
from openedx_events.cli._common import bus_name, bus_options
from openedx_events.event_bus._private.deadletter import HopelessReplayError

__all__ = ["dlq"]


@click.group()
def dlq() -> None:
    """Dead letters: events that failed every attempt, kept with the reason."""


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")


@dlq.command("list")
@click.option(
    "--topic",
    required=True,
    callback=bus_name("topic"),
    help="The topic whose dead letters to list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@bus_options
def list_dead_letters(*, topic: str, as_json: bool) -> None:
    """List the dead letters of the --topic, oldest first."""
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
                "replayed_at": list(letter.replayed_at),
                "hopeless": letter.hopeless,
            }
            for letter in letters
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    # Four short lines per dead letter, each cut to the terminal's width: the facts, the
    # event, and the last line of the error (the whole error is in --json).
    console = Console()
    console.print(f"{len(letters)} dead letter(s) of {escape(topic)}", markup=False)
    for letter in letters:
        replayed = f"replayed {len(letter.replayed_at)}x" if letter.replayed_at else "not replayed"
        error = letter.error.splitlines()[-1] if letter.error else ""
        lines = [
            f"#{letter.record.position}  {letter.reason}, {letter.attempts} attempt(s), "
            f"{_when(letter.failed_at)} UTC, {replayed}",
            f"    {letter.event_type or '(no type)'}",
            f"    id {letter.event_id or '(none)'}",
            f"    {error}",
        ]
        for line in lines:
            console.print(line, markup=False, highlight=False, no_wrap=True, overflow="ellipsis")
    hopeless = sum(1 for letter in letters if letter.hopeless and not letter.replayed_at)
    if hopeless:
        click.echo(
            f"{hopeless} would fail again as they are (unknown type, undecodable):\n"
            "'dlq replay' leaves them out unless --include-hopeless",
            err=True,
        )


@dlq.command("replay")
@click.option(
    "--topic",
    required=True,
    callback=bus_name("topic"),
    help="The topic whose dead letters to send again.",
)
@click.option(
    "--position",
    "positions",
    multiple=True,
    help="Replay this dead letter (the # of 'dlq list'); repeatable. Default: every dead "
    "letter not replayed yet.",
)
@click.option(
    "--include-hopeless",
    is_flag=True,
    help="Also replay dead letters of an unknown event type or with undecodable bytes, "
    "which fail again unless their cause was fixed.",
)
@bus_options
def replay(*, topic: str, positions: tuple[str, ...], include_hopeless: bool) -> None:
    """Publish dead letters of the --topic to it again, for its consumers to retry."""
    try:
        new, left_out = _bus.replay(topic, list(positions) or None, hopeless=include_hopeless)
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--position") from error
    except HopelessReplayError as error:
        raise click.BadParameter(
            f"{error}: add --include-hopeless", param_hint="--position"
        ) from error
    click.echo(f"replayed {len(new)} dead letter(s) to {topic}")
    if left_out:
        click.echo(
            f"left out {left_out} that would fail again (unknown event type or undecodable); "
            "--include-hopeless replays them",
            err=True,
        )
