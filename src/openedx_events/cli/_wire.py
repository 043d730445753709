"""What the commands need from the wire format and the bus, in one place.

Event data is shown and read in the form of a CloudEvent's ``data``: the event's Avro record in
JSON, with opaque keys, UUIDs and datetimes as strings, optional fields as ``null`` and bytes in
base64 (see ``openedx_events.event_bus.cloudevents_json``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import click

from openedx_events._private.fields import field_path_problem
from openedx_events._private.settings import configure
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.cli._common import all_signals
from openedx_events.event_bus.cloudevents_json import event_from_cloudevent, event_to_cloudevent
from openedx_events.exceptions import EventDeserializationError, EventSerializationError
from openedx_events.samples import sample_event_data

__all__ = [
    "bus_key_field",
    "bus_schema",
    "bus_signals",
    "configure_sqlite_bus",
    "event_data_from_json",
    "event_data_to_json",
    "sample_json",
]


@functools.cache
def _schema(event_type: str) -> dict[str, Any] | None:
    from openedx_events.event_bus.avro import schema_from_signal  # noqa: PLC0415  (slow import)

    try:
        return schema_from_signal(OpenEdxPublicSignal.get_signal_by_type(event_type))
    except EventSerializationError:
        return None


def bus_schema(signal: OpenEdxPublicSignal) -> dict[str, Any] | None:
    """The Avro schema of ``signal``, or ``None`` when its data cannot go on the bus."""
    return _schema(signal.event_type)


def bus_signals() -> list[OpenEdxPublicSignal]:
    """The catalog's signals that can travel on the bus, sorted by event type."""
    return [signal for signal in all_signals() if bus_schema(signal) is not None]


def bus_key_field(signal: OpenEdxPublicSignal) -> str | None:
    """The signal's key field when it is a path in the event's data, else ``None``.

    A few events document a key path their data lacks (the authz events, for one); the commands
    send those without a message key instead of failing on every event.
    """
    path = signal.event_key_field
    if not path or field_path_problem(signal.init_data, path) is not None:
        return None
    return path


def configure_sqlite_bus(db: Path | None) -> None:
    """Make this process's producer and consumers use the embedded bus in the file ``db``."""
    if db is not None:
        configure(
            EVENT_BUS_PRODUCER="openedx_events.event_bus.sqlite.create_producer",
            EVENT_BUS_CONSUMER="openedx_events.event_bus.sqlite.create_consumer",
            EVENT_BUS_SQLITE_PATH=str(db),
        )


def event_data_to_json(signal: OpenEdxPublicSignal, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of ``data``: the ``data`` member of the event's CloudEvent."""
    envelope = event_to_cloudevent(data, signal, signal.generate_signal_metadata())
    return envelope["data"]  # type: ignore[no-any-return]  # a JSON object by construction


def sample_json(signal: OpenEdxPublicSignal, index: int) -> dict[str, Any] | None:
    """Sample ``index`` of ``signal`` as JSON; ``None`` when the event has no Avro form."""
    if bus_schema(signal) is None:
        return None
    return event_data_to_json(signal, sample_event_data(signal, index))


def event_data_from_json(signal: OpenEdxPublicSignal, document: Any) -> dict[str, Any]:
    """The keyword arguments of ``signal`` from JSON: its data, or a whole CloudEvent.

    A document with a ``specversion`` member is a structured-mode CloudEvent (as ``consume
    --json`` prints them) and must be of ``signal``'s type; any other is the event's data.

    Raises:
        click.BadParameter: the document does not fit the event; names the field at fault.
    """
    if bus_schema(signal) is None:
        raise click.BadParameter(
            f"{signal.event_type} cannot travel on the event bus", param_hint="EVENT_TYPE"
        )
    if isinstance(document, dict) and "specversion" in document:
        envelope = document
        if envelope.get("type") != signal.event_type:
            raise click.BadParameter(
                f"the CloudEvent is of type {envelope.get('type')!r}, not {signal.event_type}",
                param_hint="--json",
            )
    else:
        # Fresh envelope attributes around the given data; the sample only fills the
        # envelope's own data, which is replaced.
        metadata = signal.generate_signal_metadata()
        sample = sample_event_data(signal)
        envelope = {**event_to_cloudevent(sample, signal, metadata), "data": document}
    try:
        return event_from_cloudevent(envelope).event_data
    except EventDeserializationError as error:
        raise click.BadParameter(str(error), param_hint="--json") from error
