"""The signals of the analytics subdomain."""

from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.analytics.data import (
    TrackingLogData,
)

__all__ = [
    "TRACKING_EVENT_EMITTED",
]


TRACKING_EVENT_EMITTED = OpenEdxPublicSignal(
    event_type="org.openedx.analytics.tracking.event.emitted.v1",
    data={"tracking_log": TrackingLogData},
    signal_name="TRACKING_EVENT_EMITTED",
    event_key_field="tracking_log.name",
    description="Emitted when a tracking log event is emitted.",
)
