"""``openedx-events consume`` and ``tail``: read a topic, as a group member or as an observer.

``consume`` joins a consumer group, so it shares the topic's events with the group's other
consumers and commits what it handled; every event goes to the signal's receivers, among them
one that prints it. ``tail`` claims and commits nothing: it only prints what arrives.
"""

from __future__ import annotations

import threading
from typing import Any

import click

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.cli import _bus
from openedx_events.cli._common import all_signals, bus_name, bus_options
from openedx_events.cli._render import echo_event
from openedx_events.event_bus._private.observer import serve_observability
from openedx_events.event_bus._private.shutdown import stop_on_signals
from openedx_events.exceptions import OpenEdxEventException

__all__ = ["consume", "tail"]


class _Printer:
    """A receiver that prints each event it gets."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def __call__(
        self, signal: OpenEdxPublicSignal, metadata: EventsMetadata, **kwargs: Any
    ) -> None:
        kwargs.pop("sender", None)
        kwargs.pop("from_event_bus", None)
        echo_event(signal, metadata, kwargs, as_json=self.as_json)


@click.command()
@click.option("--topic", required=True, callback=bus_name("topic"), help="The topic to consume.")
@click.option(
    "--group",
    required=True,
    callback=bus_name("consumer group"),
    help="The consumer group to join.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document per event.")
@click.option(
    "--max-events", type=click.IntRange(min=1), help="Stop after handling this many events."
)
@click.option("--until-idle", is_flag=True, help="Stop when the group has nothing left to do.")
@click.option(
    "--metrics-port",
    type=click.IntRange(min=0, max=65535),
    help="Serve /metrics, /livez and /readyz on this port while consuming.",
)
@bus_options
def consume(
    *,
    topic: str,
    group: str,
    as_json: bool,
    max_events: int | None,
    until_idle: bool,
    metrics_port: int | None,
) -> None:
    """Consume the --topic as a member of the --group, printing each event delivered.

    Runs until SIGTERM or Ctrl-C, which finish the current event and commit first.
    """
    printer = _Printer(as_json)
    signals = all_signals()
    for each in signals:
        each.connect(printer, weak=False)
    server = None
    try:
        consumer = _bus.consumer(topic, group)
        if metrics_port is not None:
            try:
                server = serve_observability(metrics_port, consumer=consumer)
            except OSError as error:
                raise click.ClickException(
                    f"cannot serve metrics on port {metrics_port}: {error}"
                ) from error
        run = getattr(consumer, "run", None)
        if max_events is None and not until_idle:
            click.echo(f"consuming {topic} as group {group}; stop with Ctrl-C or SIGTERM", err=True)
            consumer.consume_indefinitely()
        elif run is None:
            raise click.UsageError(
                f"{type(consumer).__name__} cannot stop by itself: drop --max-events/--until-idle"
            )
        else:
            run(max_events=max_events, until_idle=until_idle)
    except OpenEdxEventException as error:
        raise click.ClickException(str(error)) from error
    finally:
        if server is not None:
            server.close()
        for each in signals:
            each.disconnect(printer)
    stats = getattr(consumer, "stats", None)
    if stats is not None:
        click.echo(
            f"delivered {stats.delivered}, retries {stats.retries}, "
            f"dead-lettered {stats.dead_lettered}",
            err=True,
        )


@click.command()
@click.option("--topic", required=True, callback=bus_name("topic"), help="The topic to watch.")
@click.option("--from-beginning", is_flag=True, help="Print the events already in the topic first.")
@click.option(
    "--follow/--no-follow",
    default=True,
    show_default=True,
    help="Keep waiting for new events, or stop at the end of the topic.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document per event.")
@click.option(
    "--poll",
    default=0.1,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds between looks at the topic.",
)
@bus_options
def tail(*, topic: str, from_beginning: bool, follow: bool, as_json: bool, poll: float) -> None:
    """Print the events of the --topic as they arrive, without consuming them.

    Each line starts with the event's position in the topic.
    """
    stop = threading.Event()
    with stop_on_signals(stop):
        position = None if from_beginning else _bus.topic_end(topic)
        if follow:
            if not _bus.topic_known(topic):
                click.echo(
                    f"the bus has no topic {topic} yet: waiting for its first event", err=True
                )
            where = "from its start" if position is None else f"after position {position}"
            click.echo(f"tailing {topic} {where}; stop with Ctrl-C", err=True)
        try:
            events = _bus.read_topic(topic, after=position, follow=follow, stop=stop, poll=poll)
            for event in events:
                position = event.record.position
                if event.signal is None or event.metadata is None or event.data is None:
                    click.echo(f"{position}  undecodable record: {event.error}")
                    continue
                echo_event(
                    event.signal, event.metadata, event.data, as_json=as_json, position=position
                )
        except OpenEdxEventException as error:
            raise click.ClickException(str(error)) from error
