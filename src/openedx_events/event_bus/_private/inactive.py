"""The producer and consumer of a service that has no event bus.

They stand in where nothing is configured, as in the reference implementation: the
producer keeps events in the process (the service warns once, at start-up, that its routed
events will not leave it), and the consumer refuses to run, since it has nothing to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.consumer import EventBusConsumer
from openedx_events.event_bus._private.errors import ConsumerConfigurationError
from openedx_events.event_bus._private.producer import EventBusProducer

__all__ = ["NoEventBusConsumer", "NoEventBusProducer"]


class NoEventBusProducer(EventBusProducer):
    """A producer for a service without an event bus: events stay in the process."""

    def send(
        self,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str | None,
        event_data: Mapping[str, Any],
        event_metadata: EventsMetadata,
    ) -> None:
        """Publish nothing: there is no bus to publish to."""


class NoEventBusConsumer(EventBusConsumer):
    """A consumer for a service without an event bus."""

    def consume_indefinitely(self) -> None:
        """Refuse: no consumer is configured.

        Raises:
            ConsumerConfigurationError: always.
        """
        raise ConsumerConfigurationError(
            "cannot consume events: no event bus consumer is configured (EVENT_BUS_CONSUMER)"
        )
