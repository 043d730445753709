"""The root ``openedx-events`` command group; each subcommand lives in its own module."""

from __future__ import annotations

import click

from openedx_events._private.version import VERSION
from openedx_events.cli.bus import bus
from openedx_events.cli.consume import consume, tail
from openedx_events.cli.demo import demo
from openedx_events.cli.dlq import dlq
from openedx_events.cli.docs import docs
from openedx_events.cli.events import events
from openedx_events.cli.produce import produce
from openedx_events.cli.schemas import schemas
from openedx_events.cli.topics import topics, trim


@click.group()
@click.version_option(VERSION, prog_name="openedx-events")
def main() -> None:
    """Open edX events: the event catalog, and the event bus that carries it."""


main.add_command(events)
main.add_command(produce)
main.add_command(consume)
main.add_command(tail)
main.add_command(dlq)
main.add_command(topics)
main.add_command(bus)
main.add_command(trim)
main.add_command(demo)
main.add_command(schemas)
main.add_command(docs)
