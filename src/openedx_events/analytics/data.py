"""Data classes of the analytics events."""

from datetime import datetime

import attrs

__all__ = [
    "TrackingLogData",
]


@attrs.frozen
class TrackingLogData:
    """A tracking log event, as the event-tracking library emits it."""

    name: str
    timestamp: datetime
    data: str
    context: str
