"""The root ``openedx-events`` command group; each subcommand lives in its own module."""

from __future__ import annotations

import click

from openedx_events._private.version import VERSION
from openedx_events.cli.demo import demo
from openedx_events.cli.events import events


@click.group()
@click.version_option(VERSION, prog_name="openedx-events")
def main() -> None:
    """Open edX events: the event catalog, and the event bus that carries it."""


main.add_command(demo)
main.add_command(events)
