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
from openedx_events.cli.outbox import outbox_json, outbox_summary, setup_django
from openedx_events.event_bus import GroupInfo, dead_letter_topic
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
                "groups": [_group_row(group) for group in groups],
            }
        )
        if info.partitions is not None:
            rows[-1]["partitions"] = info.partitions
    return rows


def _group_row(group: GroupInfo) -> dict[str, Any]:
    row: dict[str, Any] = {
        "group": group.group,
        "committed": None if group.committed is None else str(group.committed),
        "lag": group.lag,
        "pending": group.pending,
        "consumers": list(group.consumers),
    }
    if group.partitions:
        row["partitions"] = [
            {"partition": p.partition, "committed": p.committed, "lag": p.lag}
            for p in group.partitions
        ]
    return row


def _offsets(group: dict[str, Any]) -> str:
    """``partition:next offset`` of each partition, ``-`` where nothing was committed."""
    return " ".join(
        f"{p['partition']}:{'-' if p['committed'] is None else p['committed']}"
        for p in group.get("partitions", ())
    )


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
@click.option(
    "--settings",
    "django_settings",
    help="A Django service's settings (default: DJANGO_SETTINGS_MODULE): show its outbox too.",
)
@bus_options
def status(*, as_json: bool, django_settings: str | None) -> None:
    """Per topic: its length, dead letters, and each group's lag, pending entries, consumers.

    For a Django service, the outbox follows: unsent events, the oldest one's age, and relay
    errors; --json then prints an object, {"topics": [...], "outbox": {...}}, whose outbox
    also counts the unsent events per topic (null without the app). On Kafka also each
    topic's partitions and each group's committed offset per partition.
    """
    with_outbox = setup_django(django_settings, required=False)
    try:
        rows = _status()
        name = _bus.backend_name()
    except OpenEdxEventException as error:  # an unreachable or unusable bus: said, not traced
        raise click.ClickException(str(error)) from error
    if as_json:
        # With an outbox, an object, so that it fits beside the topics.
        data = {"topics": rows, "outbox": outbox_json()} if with_outbox else rows
        click.echo(json.dumps(data, indent=2))
        return
    partitioned = any("partitions" in row for row in rows)  # Kafka: show them
    table = Table(title=f"bus status ({escape(name)})")
    table.add_column("topic", overflow="fold")
    for name in (
        ("partitions", "length", "dead letters") if partitioned else ("length", "dead letters")
    ):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("group", overflow="fold")
    if partitioned:
        table.add_column("committed (partition:offset)", overflow="fold")
    for name in ("lag", "pending"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("consumers holding entries", overflow="fold", min_width=9)
    for row in rows:
        first = [escape(row["topic"]), f"{row['length']:,}", f"{row['dead_letters']:,}"]
        if partitioned:
            first.insert(1, f"{row.get('partitions', 0):,}")
        blank = [""] * len(first)
        if not row["groups"]:
            table.add_row(*first, *([""] * (5 if partitioned else 4)))
        for index, group in enumerate(row["groups"]):
            offsets = [escape(_offsets(group))] if partitioned else []
            table.add_row(
                *(first if index == 0 else blank),
                escape(group["group"]),
                *offsets,
                f"{group['lag']:,}",
                f"{group['pending']:,}",
                escape(", ".join(group["consumers"])),
            )
    Console().print(table)
    if with_outbox:
        for line in outbox_summary():
            click.echo(line)
