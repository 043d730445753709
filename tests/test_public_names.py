"""The public names of the top-level packages, pinned so none changes or appears by accident.

``openedx_events.event_bus`` is pinned beside its tests (tests/event_bus/test_public_api.py);
every one of them is checked here for names that are public but unlisted.
"""

from __future__ import annotations
import __future__

import types
from typing import Any

import pytest

import openedx_events
from openedx_events import event_bus, testing
from openedx_events.event_bus import avro

PINNED: dict[types.ModuleType, set[str]] = {
    openedx_events: {
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
    },
    testing: {
        "CapturedEvent",
        "EventCapture",
        "EventsIsolationMixin",
        "FreezeSignalCacheMixin",
        "OpenEdxEventsTestMixin",
        "OpenEdxPublicSignal",
        "capture_events",
        "events_isolation",
        "strict_events",
    },
    avro: {
        "AvroSignalDeserializer",
        "AvroSignalSerializer",
        "deserialize_bytes_for_event_type",
        "deserialize_bytes_to_event_data",
        "event_key_bytes",
        "event_key_schema",
        "event_key_value",
        "event_key_wire_value",
        "register_custom_type",
        "schema_from_signal",
        "serialize_event_data_to_bytes",
    },
}


@pytest.mark.parametrize("module", list(PINNED), ids=lambda module: module.__name__)
def test_all_is_pinned(module: types.ModuleType) -> None:
    assert set(module.__all__) == PINNED[module]
    assert len(module.__all__) == len(set(module.__all__))


def _is_public(name: str, value: Any) -> bool:
    # Submodules are reached by their own path, and "from __future__ import annotations"
    # binds a name that is not the module's.
    return not name.startswith("_") and not isinstance(
        value, types.ModuleType | __future__._Feature
    )


@pytest.mark.parametrize("module", [*PINNED, event_bus], ids=lambda module: module.__name__)
def test_no_public_name_is_left_out_of_all(module: types.ModuleType) -> None:
    """Every public attribute is listed, and every listed name exists."""
    public = {name for name, value in vars(module).items() if _is_public(name, value)}
    assert public <= set(module.__all__)
    assert all(hasattr(module, name) for name in module.__all__)
