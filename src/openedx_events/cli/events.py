"""``openedx-events events``: browse the catalog (``list``) and one event in depth (``show``)."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from openedx_events._private.fields import data_fields, is_data_class, type_label
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.cli._common import all_signals, resolve_signal
from openedx_events.cli._wire import bus_schema, sample_json
from openedx_events.samples import sample_event_data

__all__ = ["events"]


@click.group()
def events() -> None:
    """Browse the event catalog."""


@events.command("list")
@click.option("--bus-only", is_flag=True, help="Only the events that can travel on the bus.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_events(bus_only: bool, as_json: bool) -> None:
    """List every event type of the catalog ('events show' gives the details of one)."""
    rows: list[dict[str, Any]] = []
    for signal in all_signals():
        schema = bus_schema(signal)
        if bus_only and schema is None:
            continue
        rows.append(
            {
                "event_type": signal.event_type,
                "signal_name": signal.signal_name,
                "data": {name: cls.__name__ for name, cls in signal.init_data.items()},
                "event_key_field": signal.event_key_field,
                "bus_compatible": schema is not None,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    # Grouped by subdomain; each event on two lines, its type then its signal and key field,
    # so that no name is ever folded in an 80-column terminal.
    console = Console(highlight=False)
    console.print(f"[bold]{len(rows)} events[/bold] (types start with org.openedx.)")
    subdomain = None
    for row in rows:
        head, _, rest = row["event_type"].removeprefix("org.openedx.").partition(".")
        if head != subdomain:
            subdomain = head
            console.print(f"\n[bold]{escape(head)}[/bold]")
        console.print(
            f"  {escape(rest)}" + ("" if row["bus_compatible"] else "  [red](not on the bus)[/red]")
        )
        details = [f"    [cyan]{escape(row['signal_name'] or '')}[/cyan]"]
        if row["event_key_field"]:
            key = f"key {escape(row['event_key_field'])}"
            if len(details[0]) + len(key) + 2 - len("[cyan][/cyan]") > console.width:
                details.append(f"    {key}")
            else:
                details[0] += f"  {key}"
        for line in details:
            console.print(line)


def _field_tree(tree: Tree, cls: type, seen: tuple[type, ...]) -> None:
    for field in data_fields(cls):
        label = f"[bold]{field.name}[/bold]: {escape(type_label(field.type))}"
        if field.optional:
            label += " [dim](optional)[/dim]"
        elif field.has_default:
            label += f" [dim](default {escape(repr(field.default))})[/dim]"
        branch = tree.add(label)
        nested = _nested_class(field.type)
        if nested is not None and nested not in seen:
            _field_tree(branch, nested, (*seen, nested))


def _nested_class(annotation: Any) -> type | None:
    if is_data_class(annotation):
        return annotation  # type: ignore[no-any-return]  # is_data_class checked it is a type
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_class(arg)
        if found is not None:
            return found
    return None


def fields_document(cls: type) -> list[dict[str, Any]]:
    """The fields of data class ``cls`` as JSON-compatible dicts, nested classes inline."""
    document = []
    for field in data_fields(cls):
        entry: dict[str, Any] = {
            "name": field.name,
            "type": type_label(field.type),
            "optional": field.optional,
        }
        nested = _nested_class(field.type)
        if nested is not None and nested is not cls:
            entry["fields"] = fields_document(nested)
        document.append(entry)
    return document


def _show_json(signal: OpenEdxPublicSignal, index: int) -> None:
    document = {
        "event_type": signal.event_type,
        "signal_name": signal.signal_name,
        "minor_version": signal.minor_version,
        "description": signal.description,
        "warnings": list(signal.warnings),
        "event_key_field": signal.event_key_field,
        "data": {
            name: {"class": cls.__name__, "fields": fields_document(cls)}
            for name, cls in signal.init_data.items()
        },
        "avro_schema": bus_schema(signal),
        "sample": sample_json(signal, index),
    }
    click.echo(json.dumps(document, indent=2))


@events.command("show")
@click.argument("event_type")
@click.option("--index", default=0, show_default=True, help="Which sample payload to show.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead.")
def show_event(event_type: str, index: int, as_json: bool) -> None:
    """Show EVENT_TYPE: its description, fields, Avro schema and a sample payload."""
    signal = resolve_signal(event_type)
    if as_json:
        _show_json(signal, index)
        return
    console = Console()
    console.rule(f"[bold]{signal.event_type}[/bold]")
    console.print(
        f"signal: [bold]{signal.signal_name}[/bold]   minor version: {signal.minor_version}"
        f"   key field: {signal.event_key_field or '-'}"
    )
    if signal.description:
        console.print(escape(signal.description))
    for warning in signal.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    tree = Tree("[bold]fields[/bold]")
    for name, cls in signal.init_data.items():
        _field_tree(tree.add(f"[bold]{name}[/bold]: {cls.__name__}"), cls, (cls,))
    console.print(tree)
    schema = bus_schema(signal)
    console.print("[bold]Avro schema[/bold]")
    # JSON is printed as it is, never wrapped or padded, so a copy of it stays valid JSON
    # (the sample goes straight into 'produce --json').
    if schema is None:
        console.print("[red]none: this event cannot travel on the event bus[/red]")
    else:
        click.echo(json.dumps(schema, indent=2))
    console.print(f"[bold]sample payload[/bold] (index {index})")
    sample = sample_json(signal, index)
    if sample is not None:
        click.echo(json.dumps(sample, indent=2))
        return
    try:
        console.print(escape(repr(sample_event_data(signal, index))))
    except TypeError as error:  # a field type the sample generator does not know
        console.print(f"[red]none: {escape(str(error))}[/red]")
