"""``openedx-events bus status``: how each topic of the bus and its consumer groups stand."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openedx_events._private.settings import configure
from openedx_events.cli import _bus
from openedx_events.cli._common import bus_options
from openedx_events.event_bus import dead_letter_topic
from openedx_events.event_bus._private.deadletter import replay_log_topic
from openedx_events.exceptions import OpenEdxEventException

__all__ = ["bus"]


def _use_redis(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        configure(
            EVENT_BUS_PRODUCER="openedx_events.event_bus.redis.create_producer",
            EVENT_BUS_CONSUMER="openedx_events.event_bus.redis.create_consumer",
            EVENT_BUS_REDIS_CONNECTION_URL=value,
        )
    return value


def _use_kafka(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        configure(
            EVENT_BUS_PRODUCER="openedx_events.event_bus.kafka.create_producer",
            EVENT_BUS_CONSUMER="openedx_events.event_bus.kafka.create_consumer",
            EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS=value,
        )
    return value


@click.group()
def bus() -> None:
    """Look at the event bus as a whole."""


def _status() -> list[dict[str, Any]]:
    listed = _bus.topics()
    depth = {info.name: info.length for info, _ in listed}
    letters = {dead_letter_topic(info.name) for info, _ in listed}
    logs = {replay_log_topic(info.name) for info, _ in listed}
    rows = []
    for info, groups in listed:
        if info.name in letters or info.name in logs:
            continue  # shown as the dead-letter depth of its topic, or bookkeeping
        rows.append(
            {
                "topic": info.name,
                "length": info.length,
                "last_position": None if info.last_position is None else str(info.last_position),
                "dead_letters": depth.get(dead_letter_topic(info.name), 0),
                "groups": [
                    {
                        "group": group.group,
                        "committed": None if group.committed is None else str(group.committed),
                        "lag": group.lag,
                        "pending": group.pending,
                        "consumers": list(group.consumers),
                    }
                    for group in groups
                ],
            }
        )
    return rows


@bus.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--redis",
    metavar="URL",
    callback=_use_redis,
    expose_value=False,
    is_eager=True,
    help="Look at the Redis bus at URL (default: the configured bus).",
)
@click.option(
    "--kafka",
    metavar="SERVERS",
    callback=_use_kafka,
    expose_value=False,
    is_eager=True,
    help="Look at the Kafka bus of these bootstrap servers (default: the configured bus).",
)
@bus_options
def status(*, as_json: bool) -> None:
    """Per topic: its length, dead letters, and each group's lag, pending entries, consumers."""
    try:
        rows = _status()
        name = _bus.backend_name()
    except OpenEdxEventException as error:  # an unreachable or unusable bus: said, not traced
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"bus status ({escape(name)})")
    table.add_column("topic", overflow="fold")
    for name in ("length", "dead letters"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("group", overflow="fold")
    for name in ("lag", "pending"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("consumers holding entries", overflow="fold", min_width=9)
    for row in rows:
        first = [escape(row["topic"]), f"{row['length']:,}", f"{row['dead_letters']:,}"]
        if not row["groups"]:
            table.add_row(*first, "", "", "", "")
        for index, group in enumerate(row["groups"]):
            table.add_row(
                *(first if index == 0 else ["", "", ""]),
                escape(group["group"]),
                f"{group['lag']:,}",
                f"{group['pending']:,}",
                escape(", ".join(group["consumers"])),
            )
    Console().print(table)
