"""Every command's --help: plain text that names only the arguments the command has."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from cli_helpers import cli

from openedx_events.cli import main


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


assert isinstance(main, click.Group)
COMMANDS = list(_commands(main))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "openedx-events")
def test_help_is_plain_text_that_fits_80_columns(path: tuple[str, ...]) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert "`" not in result.output, "reST or Markdown markup shows in --help"
    assert all(len(line) <= 80 for line in result.output.splitlines())


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "openedx-events")
def test_help_names_only_arguments_the_command_takes(path: tuple[str, ...]) -> None:
    """An upper-case word such as TOPIC in the description is one of the command's arguments."""
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    arguments = {
        (param.metavar or param.name or "").upper().strip("[].")
        for param in command.params
        if isinstance(param, click.Argument)
    }
    described = command.help or ""
    named = set(re.findall(r"(?<![-\w])([A-Z][A-Z_]{2,})(?![\w])", described))
    # Words that are not arguments: signals, formats, protocols and setting names.
    named -= {"SIGTERM", "SIGINT", "JSON", "UTC", "DLQ", "TYPE", "HTML", "HTTP"}
    named = {word for word in named if not word.startswith(("EVENT_BUS_", "EVENTS_"))}
    assert named <= arguments, f"{' '.join(path)} describes {named - arguments}"
