"""Event metadata and the service name, at the reference's import path."""

from openedx_events._private.metadata import EventsMetadata, get_service_name

__all__ = ["EventsMetadata", "get_service_name"]
