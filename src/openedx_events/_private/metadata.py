"""The metadata that travels with every event: who sent it, when, and which version."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import attrs

from openedx_events._private.settings import derived_setting, get_setting
from openedx_events._private.uuid1 import uuid1
from openedx_events._private.version import VERSION

__all__ = [
    "CLOUDEVENTS_SPEC_VERSION",
    "EventsMetadata",
    "event_source",
    "get_service_name",
    "library_version_tuple",
    "metadata_from_checked_fields",
]

CLOUDEVENTS_SPEC_VERSION = "1.0"
_ZERO = timedelta(0)


def library_version_tuple() -> tuple[int, ...]:
    """This library's version as a tuple of ints, as the ``sourcelib`` field carries it."""
    return tuple(int(part) for part in VERSION.split("."))


def get_service_name() -> str | None:
    """The name of this service: ``EVENTS_SERVICE_NAME``, else ``SERVICE_VARIANT``, else None."""
    return get_setting("EVENTS_SERVICE_NAME") or get_setting("SERVICE_VARIANT") or None


def _compute_event_source() -> str:
    return f"openedx/{get_service_name() or 'SERVICE_NAME_UNSET'}/web"


#: ``openedx/<service>/web``, the service being named by the settings (read on every event,
#: so recomputed only when those settings may have changed).
event_source = derived_setting(_compute_event_source, ("EVENTS_SERVICE_NAME", "SERVICE_VARIANT"))


def _hostname() -> str:
    return socket.gethostname()


def _now() -> datetime:
    return datetime.now(UTC)


def _to_utc(value: datetime | None) -> datetime:
    # Any zero-offset zone (ZoneInfo("UTC"), a fixed +00:00) is UTC; store it as timezone.utc.
    if value is None:
        return _now()
    if isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() == _ZERO:
        return value if value.tzinfo is UTC else value.replace(tzinfo=UTC)
    return value


def _ensure_utc(instance: Any, attribute: Any, value: datetime) -> None:
    if value.tzinfo is not UTC:
        raise ValueError(
            f"'time' must have timezone.utc (an aware UTC datetime), got {value!r}; "
            "use datetime.now(timezone.utc) or convert with .astimezone(timezone.utc)"
        )


# Converters fill in a field left as None; mypy's attrs plugin wants them as named functions.
def _id_or_new(value: UUID | None) -> UUID:
    return uuid1() if value is None else value


def _minor_or_zero(value: int | None) -> int:
    return 0 if value is None else value


def _source_or_default(value: str | None) -> str:
    return event_source() if value is None else value


def _host_or_default(value: str | None) -> str:
    return _hostname() if value is None else value


def _sourcelib_or_default(value: tuple[int, ...] | None) -> tuple[int, ...]:
    return library_version_tuple() if value is None else value


@attrs.frozen(slots=False)
class EventsMetadata:
    """Who sent an event, when, and under which type and version.

    Any field left as ``None`` gets its default when the object is built: a fresh version-1
    UUID, minor version 0, the source named by the service settings, this host, the current
    UTC time and this library's version.
    """

    event_type: str = attrs.field(validator=attrs.validators.instance_of(str))
    id: UUID = attrs.field(
        default=None, converter=_id_or_new, validator=attrs.validators.instance_of(UUID)
    )
    minorversion: int = attrs.field(
        default=None,
        converter=_minor_or_zero,
        validator=attrs.validators.instance_of(int),
    )
    source: str = attrs.field(
        default=None, converter=_source_or_default, validator=attrs.validators.instance_of(str)
    )
    sourcehost: str = attrs.field(
        default=None, converter=_host_or_default, validator=attrs.validators.instance_of(str)
    )
    time: datetime = attrs.field(
        default=None,
        converter=_to_utc,
        validator=[attrs.validators.instance_of(datetime), _ensure_utc],
    )
    sourcelib: tuple[int, ...] = attrs.field(
        default=None,
        converter=_sourcelib_or_default,
        validator=attrs.validators.instance_of(tuple),
    )

    @property
    def specversion(self) -> str:
        """The CloudEvents specification version the envelope follows."""
        return CLOUDEVENTS_SPEC_VERSION

    def to_json_data(self) -> dict[str, Any]:
        """The metadata as a JSON-compatible dict."""
        return {
            "event_type": self.event_type,
            "id": str(self.id),
            "minorversion": self.minorversion,
            "source": self.source,
            "sourcehost": self.sourcehost,
            "time": self.time.isoformat(),
            "sourcelib": list(self.sourcelib),
        }

    def to_json(self) -> str:
        """The metadata as a JSON document."""
        return json.dumps(self.to_json_data())

    @classmethod
    def from_json_data(cls, data: dict[str, Any]) -> EventsMetadata:
        """Build metadata from :meth:`to_json_data`'s output."""
        return cls(
            event_type=data["event_type"],
            id=UUID(data["id"]),
            minorversion=int(data["minorversion"]),
            source=data["source"],
            sourcehost=data["sourcehost"],
            time=datetime.fromisoformat(data["time"]),
            sourcelib=tuple(int(part) for part in data["sourcelib"]),
        )

    @classmethod
    def from_json(cls, json_string: str) -> EventsMetadata:
        """Build metadata from :meth:`to_json`'s output."""
        return cls.from_json_data(json.loads(json_string))


_new = object.__new__
_set_fields = EventsMetadata.__dict__["__dict__"].__set__


def metadata_from_checked_fields(fields: dict[str, Any]) -> EventsMetadata:
    """Metadata whose attributes are ``fields``, skipping attrs' converters and validators.

    For hot paths that build and check every value themselves: ``fields`` holds the seven
    fields in their order, ``time`` in UTC with ``datetime.UTC`` as its tzinfo. It becomes the
    instance's ``__dict__``, so pass a dict nobody else holds.
    """
    metadata = _new(EventsMetadata)
    _set_fields(metadata, fields)
    return metadata
