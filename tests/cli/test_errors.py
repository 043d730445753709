"""The command line's one error boundary: a one-line ``Error: ...``, exit 1 or 2, no traceback."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from cli_helpers import cli, spawn
from click.testing import CliRunner

from broken_files import BROKEN_FILES, bus_with_events
from openedx_events._private.settings import reset_configuration
from openedx_events.cli import main
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

ENROLLMENT = COURSE_ENROLLMENT_CREATED.event_type

# A value for each required parameter a bus command may have, by parameter name.
_REQUIRED_VALUES = {"topic": "t", "group": "g", "age": "1s", "event_type": ENROLLMENT}


def _bus_commands() -> Iterator[tuple[str, ...]]:
    """The path of every command that takes ``--db``, found by walking the command tree."""

    def walk(group: click.Group, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        for name, command in sorted(group.commands.items()):
            if isinstance(command, click.Group):
                yield from walk(command, (*path, name))
            elif any(param.name == "db" for param in command.params) or any(
                "--db" in getattr(param, "opts", ()) for param in command.params
            ):
                yield (*path, name)

    assert isinstance(main, click.Group)
    yield from walk(main, ())


def _arguments(path: tuple[str, ...]) -> list[str]:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    arguments: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        assert param.name in _REQUIRED_VALUES, f"add a value for {param.name} of {path}"
        value = _REQUIRED_VALUES[param.name]
        if isinstance(param, click.Option):
            arguments += [param.opts[0], value]
        else:
            arguments.append(value)
    return arguments


BUS_COMMANDS = list(_bus_commands())


def test_the_walk_finds_the_bus_commands() -> None:
    """The matrix below covers every command with --db, those added later included."""
    assert {("topics",), ("dlq", "list"), ("produce",), ("consume",), ("tail",)} <= set(
        BUS_COMMANDS
    )


@pytest.mark.parametrize("kind", sorted(BROKEN_FILES))
@pytest.mark.parametrize("path", BUS_COMMANDS, ids=" ".join)
def test_every_bus_command_reports_a_broken_bus_file(
    tmp_path: Path, path: tuple[str, ...], kind: str
) -> None:
    """Damaged, truncated, not SQLite, or in a missing directory: one line naming the file."""
    db = BROKEN_FILES[kind](tmp_path)
    try:
        result = CliRunner(env={"COLUMNS": "80"}).invoke(
            main, [*path, *_arguments(path), "--db", str(db)], catch_exceptions=False
        )
    finally:
        reset_configuration()
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert "Error: " in result.output
    assert str(db) in result.output.replace("\n", "")


@pytest.mark.parametrize(
    "path",
    [("topics",), ("dlq", "list"), ("dlq", "replay"), ("trim",), ("tail",), ("bus", "status")],
    ids=" ".join,
)
def test_commands_that_only_read_do_not_create_a_bus_file(
    bus_db: Path, path: tuple[str, ...]
) -> None:
    """Where there is no bus file, they say so and leave none behind."""
    result = cli(*path, *_arguments(path), "--db", str(bus_db))
    assert result.exit_code == 1
    assert f"no event bus file at {bus_db}" in result.output
    assert not bus_db.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["dlq", "list", "--topic", "nope"],
        ["dlq", "replay", "--topic", "nope"],
        ["trim", "--topic", "nope", "--older-than", "1s"],
        ["tail", "--topic", "nope", "--no-follow"],
    ],
    ids=lambda command: command[0] if command[0] != "dlq" else " ".join(command[:2]),
)
def test_an_unknown_topic_says_so(bus_db: Path, command: list[str]) -> None:
    """The bus names the topics it has instead of showing an empty result."""
    bus_with_events(bus_db)
    result = cli(*command, "--db", str(bus_db))
    assert result.exit_code == 1
    assert "has no topic 'nope'; its topics: t" in result.output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--topic", "", "a topic name must be a non-empty string"),
        ("--topic", "x" * 250, "is longer than 249"),
        ("--topic", "a\x01b", "holds control characters"),
        ("--group", "", "a consumer group name must be a non-empty string"),
        ("--group", "g\nh", "consumer group name 'g\\nh' holds control characters"),
    ],
)
def test_bad_topic_and_group_names_are_usage_errors(
    bus_db: Path, option: str, value: str, message: str
) -> None:
    arguments = {"--topic": "t", "--group": "g", option: value}
    result = cli("consume", *[x for pair in arguments.items() for x in pair], "--db", str(bus_db))
    assert result.exit_code == 2
    assert message in result.output
    assert not bus_db.exists()


def test_tail_refuses_a_poll_interval_that_is_not_positive(bus_db: Path) -> None:
    """``--poll -1`` (or 0) would spin at full speed: it is a usage error."""
    bus_with_events(bus_db)
    for value in ("-1", "0"):
        result = cli("tail", "--topic", "t", "--poll", value, "--db", str(bus_db))
        assert result.exit_code == 2
        assert "Invalid value for '--poll'" in result.output


def test_produce_reports_a_missing_payload_file(bus_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    result = cli(
        "produce", ENROLLMENT, "--topic", "t", "--json", f"@{missing}", "--db", str(bus_db)
    )
    assert result.exit_code == 2
    assert f"cannot read {missing}: No such file or directory" in result.output


def test_produce_reports_json_nested_too_deeply(bus_db: Path) -> None:
    result = cli(
        "produce", ENROLLMENT, "--topic", "t", "--json", "[" * 100_000, "--db", str(bus_db)
    )
    assert result.exit_code == 2
    assert "nested too deeply" in result.output


def test_a_command_added_to_the_group_gets_the_boundary_too() -> None:
    """Any exception of a registered command is one line naming its type, exit 1."""
    group = click.Group("openedx-events", commands=dict(main.commands))
    group.__class__ = type(main)

    @group.command("explode")
    def explode() -> None:
        raise ZeroDivisionError("nothing to divide by")

    result = CliRunner().invoke(group, ["explode"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output == "Error: ZeroDivisionError: nothing to divide by\n"


@pytest.mark.slow
def test_tail_follow_of_an_unknown_topic_says_it_waits(bus_db: Path) -> None:
    """Following a topic nobody wrote to yet is allowed, and said, not silent."""
    bus_with_events(bus_db)
    with spawn("tail", "--topic", "later", "--db", str(bus_db)) as tail:
        try:
            assert tail.stderr is not None
            first = tail.stderr.readline()
        finally:
            tail.send_signal(signal.SIGTERM)
            tail.wait(timeout=20)
    assert first == "the bus has no topic later yet: waiting for its first event\n"
    assert tail.returncode == 0
