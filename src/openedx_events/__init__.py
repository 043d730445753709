"""Open edX events: the typed catalog of the platform's public events and their dispatch.

Signals live in ``openedx_events.<subdomain>.signals`` and their data classes in
``openedx_events.<subdomain>.data``; this module re-exports the core API.
"""

from openedx_events._private.registry import SignalRegistry, load_all_signals
from openedx_events._private.settings import configure, get_setting, reset_configuration
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events._private.version import VERSION as __version__
from openedx_events.data import EventsMetadata
from openedx_events.exceptions import (
    EventDeserializationError,
    EventSerializationError,
    InstantiationError,
    OpenEdxEventException,
    ProducerConfigurationError,
    SenderValidationError,
    UnknownEventTypeError,
)

__all__ = [
    "EventDeserializationError",
    "EventSerializationError",
    "EventsMetadata",
    "InstantiationError",
    "OpenEdxEventException",
    "OpenEdxPublicSignal",
    "ProducerConfigurationError",
    "SenderValidationError",
    "SignalRegistry",
    "UnknownEventTypeError",
    "__version__",
    "configure",
    "get_setting",
    "load_all_signals",
    "reset_configuration",
]
