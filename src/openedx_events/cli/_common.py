"""Helpers shared by the command modules: finding signals and reporting errors."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from openedx_events._private.registry import load_all_signals
from openedx_events._private.settings import configure, get_setting
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.records import check_topic
from openedx_events.exceptions import UnknownEventTypeError

__all__ = [
    "all_signals",
    "bus_name",
    "bus_options",
    "default_to_embedded_bus",
    "resolve_signal",
]

F = TypeVar("F", bound=Callable[..., Any])


def all_signals() -> list[OpenEdxPublicSignal]:
    """Every signal of the catalog, sorted by event type."""
    load_all_signals()
    return sorted(OpenEdxPublicSignal.all_events(), key=lambda signal: signal.event_type)


def resolve_signal(event_type: str, param_hint: str = "EVENT_TYPE") -> OpenEdxPublicSignal:
    """The signal of ``event_type``; a usage error listing close matches when it is unknown.

    A signal name such as ``COURSE_ENROLLMENT_CREATED`` is accepted too.
    """
    load_all_signals()
    try:
        return OpenEdxPublicSignal.get_signal_by_type(event_type)
    except UnknownEventTypeError as error:
        by_name = {s.signal_name: s for s in OpenEdxPublicSignal.all_events() if s.signal_name}
        if event_type in by_name:
            return by_name[event_type]
        message = str(error)
        if not error.suggestions:
            names = difflib.get_close_matches(event_type.upper(), list(by_name), n=3)
            if names:
                message += f" Did you mean: {', '.join(names)}?"
        raise click.BadParameter(message, param_hint=param_hint) from error


def bus_name(what: str) -> Callable[[click.Context, click.Parameter, str], str]:
    """An option callback that checks a topic or consumer group name (printable, 1 to 249)."""

    def check(ctx: click.Context, param: click.Parameter, value: str) -> str:
        try:
            return check_topic(value, what=what)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx, param) from error

    return check


def default_to_embedded_bus() -> None:
    """Point the commands at the embedded bus in ``./openedx-events.db`` unless a file is set.

    A service runs no bus unless its settings name one; the command line is for trying and
    inspecting a bus, so it needs none configured. ``--db`` and ``EVENT_BUS_PRODUCER`` /
    ``EVENT_BUS_CONSUMER`` still win.
    """
    if not get_setting("EVENT_BUS_SQLITE_PATH"):
        # Imported here: the bus package is not needed by --help or the catalog commands.
        from openedx_events.event_bus.sqlite import DEFAULT_PATH  # noqa: PLC0415

        configure(EVENT_BUS_SQLITE_PATH=DEFAULT_PATH)


def _use_db(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        # Imported here: the wire module pulls in the codecs, which --help does not need.
        from openedx_events.cli._wire import configure_sqlite_bus  # noqa: PLC0415

        configure_sqlite_bus(value)
    return value


def bus_options(command: F) -> F:
    """Add ``--db``, which points the command at a SQLite bus file."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_use_db,
        expose_value=False,
        is_eager=True,
        help="The SQLite bus file (default: EVENT_BUS_SQLITE_PATH, else ./openedx-events.db).",
    )(command)
