"""``openedx-events produce``: send events of one type to the bus, samples or a JSON payload."""

from __future__ import annotations

import json
from typing import Any

import click

from openedx_events.cli import _bus
from openedx_events.cli._common import bus_name, bus_options, resolve_signal
from openedx_events.cli._render import key_of
from openedx_events.cli._wire import bus_key_field, bus_schema, event_data_from_json
from openedx_events.exceptions import OpenEdxEventException
from openedx_events.samples import sample_event_data

__all__ = ["produce"]


def _load_payload(text: str) -> Any:
    if text.startswith("@"):
        name = text[1:]
        try:
            with click.open_file(name, encoding="utf-8") as stream:
                text = stream.read()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            message = f"cannot read {name}: {reason}"
            raise click.BadParameter(message, param_hint="--json") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise click.BadParameter(
            f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            param_hint="--json",
        ) from error
    except RecursionError as error:
        raise click.BadParameter("the JSON is nested too deeply", param_hint="--json") from error


@click.command()
@click.argument("event_type")
@click.option("--topic", required=True, callback=bus_name("topic"), help="The topic to send to.")
@click.option(
    "--json",
    "payload",
    metavar="JSON",
    help="The event data as JSON (as 'events show' prints samples); @FILE reads a file, "
    "@- standard input. Without it, realistic samples are sent.",
)
@click.option(
    "--count",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many events to send.",
)
@click.option("--index", default=0, show_default=True, help="The first sample to send.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the event ids.")
@bus_options
def produce(
    *, event_type: str, topic: str, payload: str | None, count: int, index: int, quiet: bool
) -> None:
    """Send events of EVENT_TYPE to the --topic, each with fresh metadata."""
    signal = resolve_signal(event_type)
    if bus_schema(signal) is None:
        raise click.BadParameter(
            f"{signal.event_type} cannot travel on the event bus", param_hint="EVENT_TYPE"
        )
    fixed = event_data_from_json(signal, _load_payload(payload)) if payload is not None else None
    producer = _bus.producer()
    for number in range(count):
        data = fixed if fixed is not None else sample_event_data(signal, index + number)
        metadata = signal.generate_signal_metadata()
        try:
            producer.send(
                signal=signal,
                topic=topic,
                event_key_field=bus_key_field(signal),
                event_data=data,
                event_metadata=metadata,
            )
        except OpenEdxEventException as error:
            raise click.ClickException(
                f"event {number + 1} of {count} was not sent: {error}"
            ) from error
        if quiet:
            click.echo(str(metadata.id))
        else:
            key = key_of(signal, data)
            click.echo(
                f"sent {signal.event_type} {metadata.id} to {topic}"
                + (f" (key {key})" if key is not None else "")
            )
    producer.prepare_for_shutdown()
