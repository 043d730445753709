"""The root ``openedx-events`` command group; each subcommand lives in its own module.

The group is the command line's one error boundary: whatever a subcommand raises reaches the
user as one ``Error: ...`` line and exit status 1 (bad usage: 2), never as a traceback.
Commands get this by being added to the group.
"""

from __future__ import annotations

import os
from typing import Any

import click

from openedx_events._private.version import VERSION
from openedx_events.cli._common import default_to_embedded_bus
from openedx_events.cli.bus import bus
from openedx_events.cli.consume import consume, tail
from openedx_events.cli.demo import demo
from openedx_events.cli.dlq import dlq
from openedx_events.cli.docs import docs
from openedx_events.cli.events import events
from openedx_events.cli.outbox import outbox
from openedx_events.cli.produce import produce
from openedx_events.cli.schemas import schemas
from openedx_events.cli.topics import topics, trim

__all__ = ["main"]

#: Set to show the traceback of an unexpected error instead of its one-line summary.
DEBUG_VARIABLE = "OPENEDX_EVENTS_DEBUG"


def _summary(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    if isinstance(error, RecursionError):
        return "the input is nested too deeply"
    text = str(error) or type(error).__name__
    # Our own errors say what they are; a foreign one is named so the message makes sense.
    if type(error).__module__.startswith("openedx_events"):
        return text
    return f"{type(error).__name__}: {text}"


class _Boundary(click.Group):
    """A group that turns its subcommands' errors into click's ``Error: ...`` reports."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as error:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            raise click.ClickException(_summary(error)) from error


@click.group(cls=_Boundary)
@click.version_option(VERSION, prog_name="openedx-events")
def main() -> None:
    """Open edX events: the event catalog, and the event bus that carries it."""
    default_to_embedded_bus()


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
main.add_command(outbox)
main.add_command(docs)
