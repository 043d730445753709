"""The catalog's model: every registered event, with what the renderers show of it.

It is built from the live registry (the catalog's own events and those any imported plugin
defines), the Avro schemas and sample payloads the bus uses, the schema snapshot, and the
routes of ``EVENT_BUS_PRODUCER_CONFIG``; nothing in it is typed by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from openedx_events._private.avro.codec import codec_for
from openedx_events._private.avro.snapshot import SNAPSHOT_DIR, check_schemas
from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.registry import load_all_signals
from openedx_events._private.settings import get_setting
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events._private.version import VERSION
from openedx_events.catalog._private.fields_table import FieldRow, field_rows
from openedx_events.catalog._private.history import SchemaRevision, schema_histories
from openedx_events.catalog._private.location import SourceLocation, signal_locations
from openedx_events.event_bus._private.routing import validate_producer_config
from openedx_events.event_bus.cloudevents_json import event_to_cloudevent
from openedx_events.exceptions import EventSerializationError
from openedx_events.samples import sample_event_data

__all__ = ["Catalog", "EventEntry", "Route", "build_catalog", "sample_metadata"]

# Warnings written when some events could not go on the bus; whether one can is computed.
_BUS_CLAIM = "incompatible with the event bus"
_DEPRECATED = "DEPRECATED"
_SAMPLE_ID = uuid.UUID("6f2a3b0e-0c1d-11ef-9a7e-0242ac120002")
_SAMPLE_TIME = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@attrs.frozen
class Route:
    """A topic that ``EVENT_BUS_PRODUCER_CONFIG`` sends an event to."""

    topic: str
    event_key_field: str | None
    enabled: bool


@attrs.frozen
class EventEntry:
    """One event of the catalog, as the renderers show it.

    ``warnings`` are the signal's warnings that still hold (a claim that the event cannot go
    on the bus is replaced by what the codec finds); ``bus_problem`` says why an event
    cannot travel on the bus, ``None`` when it can.
    """

    event_type: str
    aliases: tuple[str, ...]
    subdomain: str
    subject: str
    signal_name: str | None
    description: str
    minor_version: int
    event_key_field: str | None
    data: tuple[tuple[str, str], ...]  # (argument, data class name)
    defined_at: SourceLocation | None
    warnings: tuple[str, ...]
    deprecated: bool
    bus_problem: str | None
    avro_schema: dict[str, Any] | None
    sample: dict[str, Any] | None
    fields: tuple[FieldRow, ...]
    routes: tuple[Route, ...]
    snapshot_status: str | None
    schema_history: tuple[SchemaRevision, ...]

    @property
    def bus_compatible(self) -> bool:
        """Whether the event can travel on the event bus."""
        return self.bus_problem is None

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics the event is sent to (its enabled routes)."""
        return tuple(route.topic for route in self.routes if route.enabled)


@attrs.frozen
class Catalog:
    """Every event, sorted by subdomain, subject and event type."""

    events: tuple[EventEntry, ...]
    version: str = VERSION

    def grouped(self) -> list[tuple[str, list[tuple[str, list[EventEntry]]]]]:
        """``[(subdomain, [(subject, [event, ...]), ...]), ...]``, in catalog order."""
        groups: list[tuple[str, list[tuple[str, list[EventEntry]]]]] = []
        for event in self.events:
            if not groups or groups[-1][0] != event.subdomain:
                groups.append((event.subdomain, []))
            subjects = groups[-1][1]
            if not subjects or subjects[-1][0] != event.subject:
                subjects.append((event.subject, []))
            subjects[-1][1].append(event)
        return groups

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic some event is routed to, sorted."""
        return tuple(sorted({route.topic for event in self.events for route in event.routes}))

    def filtered(
        self,
        subdomains: Iterable[str] | None = None,
        defined_in: Iterable[str] | None = None,
    ) -> Catalog:
        """The events of the given ``subdomains`` that modules of ``defined_in`` define.

        ``defined_in`` names packages or modules (``my_plugin`` takes ``my_plugin.signals``).
        """
        chosen = list(self.events)
        if subdomains is not None:
            wanted = set(subdomains)
            chosen = [event for event in chosen if event.subdomain in wanted]
        if defined_in is not None:
            prefixes = tuple(defined_in)
            chosen = [event for event in chosen if _defined_in(event, prefixes)]
        return attrs.evolve(self, events=tuple(chosen))

    def event(self, event_type: str) -> EventEntry:
        """The entry of ``event_type`` (or of one of its aliases)."""
        for event in self.events:
            if event_type == event.event_type or event_type in event.aliases:
                return event
        raise KeyError(event_type)


def sample_metadata(event_type: str, minor_version: int) -> EventsMetadata:
    """The fixed envelope of the catalog's samples, so that every build gives the same files."""
    return EventsMetadata(
        event_type=event_type,
        id=_SAMPLE_ID,
        minorversion=minor_version,
        source="openedx/lms/web",
        sourcehost="lms.example.org",
        time=_SAMPLE_TIME,
    )


def build_catalog(
    signals: Iterable[OpenEdxPublicSignal] | None = None,
    *,
    producer_config: Mapping[str, Any] | None = None,
    snapshot_dir: Path = SNAPSHOT_DIR,
) -> Catalog:
    """The catalog of ``signals``, by default of every registered signal.

    Args:
        signals: the events to describe; by default the catalog's modules are loaded and every
            registered signal is taken, those of plugins imported so far included.
        producer_config: the routes to show; by default ``EVENT_BUS_PRODUCER_CONFIG``.
        snapshot_dir: the schema snapshot to compare with and read the history of.

    Raises:
        ProducerConfigurationError: the producer configuration is invalid.
    """
    if signals is None:
        load_all_signals()
        signals = OpenEdxPublicSignal.all_events()
    chosen = sorted(signals, key=_sort_key)
    if producer_config is None:
        producer_config = get_setting("EVENT_BUS_PRODUCER_CONFIG") or {}
    validate_producer_config(producer_config)  # a bad configuration fails with a typed error
    routes: dict[str, tuple[Route, ...]] = {}
    for configured_type, topics in producer_config.items():
        # The setting may name an event by another spelling of its type.
        event_type = OpenEdxPublicSignal.get_signal_by_type(configured_type).event_type
        routes[event_type] = routes.get(event_type, ()) + _routes(topics)
    locations = signal_locations(chosen)
    bus_forms = {signal: _bus_form(signal) for signal in chosen}
    on_bus = [signal for signal in chosen if bus_forms[signal][2] is None]
    statuses = {check.event_type: check.status for check in check_schemas(snapshot_dir, on_bus)}
    histories = schema_histories(snapshot_dir, [signal.event_type for signal in on_bus])
    entries = [
        _entry(
            signal,
            bus_form=bus_forms[signal],
            location=locations.get(signal),
            routes=routes.get(signal.event_type, ()),
            snapshot_status=statuses.get(signal.event_type),
            history=histories.get(signal.event_type, ()),
        )
        for signal in chosen
    ]
    return Catalog(tuple(entries))


def _defined_in(event: EventEntry, prefixes: tuple[str, ...]) -> bool:
    if event.defined_at is None:
        return False
    module = event.defined_at.module
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _sort_key(signal: OpenEdxPublicSignal) -> tuple[str, str, str]:
    subdomain, subject = _subdomain_and_subject(signal.event_type)
    return subdomain, subject, signal.event_type


def _subdomain_and_subject(event_type: str) -> tuple[str, str]:
    parts = event_type.split(".")
    if len(parts) >= 4 and parts[0] == "org" and parts[1] == "openedx":
        return parts[2], parts[3]
    return (parts[0], parts[1] if len(parts) > 1 else "") if parts else ("", "")


def _routes(topics: Mapping[str, Any]) -> tuple[Route, ...]:
    return tuple(
        Route(topic, settings.get("event_key_field") or None, bool(settings.get("enabled")))
        for topic, settings in topics.items()
    )


_BusForm = tuple[dict[str, Any] | None, dict[str, Any] | None, str | None]


def _entry(
    signal: OpenEdxPublicSignal,
    *,
    bus_form: _BusForm,
    location: SourceLocation | None,
    routes: tuple[Route, ...],
    snapshot_status: str | None,
    history: tuple[SchemaRevision, ...],
) -> EventEntry:
    subdomain, subject = _subdomain_and_subject(signal.event_type)
    schema, sample, problem = bus_form
    warnings = [warning for warning in signal.warnings if _BUS_CLAIM not in warning]
    if problem is not None:
        warnings.append(f"This event cannot travel on the event bus: {problem}")
    return EventEntry(
        event_type=signal.event_type,
        aliases=signal.aliases,
        subdomain=subdomain,
        subject=subject,
        signal_name=signal.signal_name,
        description=signal.description,
        minor_version=signal.minor_version,
        event_key_field=signal.event_key_field,
        data=tuple((name, cls.__name__) for name, cls in signal.init_data.items()),
        defined_at=location,
        warnings=tuple(warnings),
        deprecated=any(_DEPRECATED in warning for warning in signal.warnings),
        bus_problem=problem,
        avro_schema=schema,
        sample=sample,
        fields=field_rows(signal.init_data),
        routes=routes,
        snapshot_status=snapshot_status,
        schema_history=history,
    )


def _bus_form(signal: OpenEdxPublicSignal) -> _BusForm:
    """The event's Avro schema and a sample CloudEvent, or why it has neither."""
    try:
        schema = codec_for(signal).schema
    except EventSerializationError as error:
        return None, None, str(error)
    metadata = sample_metadata(signal.event_type, signal.minor_version)
    try:
        sample = event_to_cloudevent(sample_event_data(signal), signal, metadata)
    except EventSerializationError as error:
        return schema, None, str(error)
    return schema, sample, None
