"""The signal class, catalog loading and worker helpers, at the reference's import path.

Plugins written for the reference implementation import ``OpenEdxPublicSignal``,
``load_all_signals`` and ``prepare_for_new_work_cycle`` from here.
"""

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.registry import (
    KNOWN_UNSERIALIZABLE_SIGNALS,
    SignalRegistry,
    load_all_signals,
)
from openedx_events._private.responses import format_responses
from openedx_events._private.signal import SIGNAL_PROCESSED_FROM_EVENT_BUS, OpenEdxPublicSignal
from openedx_events._private.work_cycle import prepare_for_new_work_cycle
from openedx_events.exceptions import SenderValidationError

__all__ = [
    "KNOWN_UNSERIALIZABLE_SIGNALS",
    "SIGNAL_PROCESSED_FROM_EVENT_BUS",
    "EventsMetadata",
    "OpenEdxPublicSignal",
    "SenderValidationError",
    "SignalRegistry",
    "format_responses",
    "load_all_signals",
    "prepare_for_new_work_cycle",
]
