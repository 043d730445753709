"""Event metadata, at the import path plugins use (``openedx_events.data.EventsMetadata``)."""

from openedx_events._private.metadata import EventsMetadata

__all__ = ["EventsMetadata"]
