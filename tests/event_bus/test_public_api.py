"""The public names of openedx_events.event_bus, pinned so they never change by accident."""

from __future__ import annotations

from openedx_events import event_bus
from openedx_events.event_bus import memory, sqlite

EXPECTED = {
    "Backend",
    "BusConsumer",
    "BusProducer",
    "ConsumerConfigurationError",
    "ConsumerStats",
    "ConsumerStoppedError",
    "DeadLetter",
    "DecodedEvent",
    "EventBusConsumer",
    "EventBusProducer",
    "EventBusStorageError",
    "EventNotPublishedError",
    "EventsMetadata",
    "GroupInfo",
    "Message",
    "NoEventBusConsumer",
    "NoEventBusProducer",
    "OpenEdxPublicSignal",
    "Position",
    "Record",
    "RetryPolicy",
    "TopicInfo",
    "connect_producer_receivers",
    "dead_letter_topic",
    "decode_record",
    "disconnect_producer_receivers",
    "encode_event",
    "full_topic",
    "general_signal_handler",
    "get_backend",
    "get_producer",
    "list_dead_letters",
    "make_single_consumer",
    "merge_producer_configs",
    "replay_dead_letters",
    "serve_observability",
    "tail",
    "validate_producer_config",
}


def test_the_event_bus_exports_exactly_its_public_api() -> None:
    assert set(event_bus.__all__) == EXPECTED
    assert all(hasattr(event_bus, name) for name in event_bus.__all__)


def test_every_public_name_is_listed_in_the_module_docstring() -> None:
    assert event_bus.__doc__ is not None
    assert all(name in event_bus.__doc__ for name in EXPECTED)


def test_the_backends_expose_the_same_factories() -> None:
    for package in (memory, sqlite):
        assert {"create_producer", "create_consumer"} <= set(package.__all__)
