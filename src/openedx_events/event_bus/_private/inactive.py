"""The reference's inactive producer and consumer, for settings that name them on purpose.

``EVENT_BUS_PRODUCER = "openedx_events.event_bus.NoEventBusProducer"`` keeps a service's routed
events in the process, knowingly; this package never falls back to them by itself, since a
producer that drops events must be asked for.
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
    """A producer that publishes nothing: events stay in the process."""

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
    """A consumer that has nothing to consume."""

    def consume_indefinitely(self) -> None:
        """Refuse: no consumer is configured.

        Raises:
            ConsumerConfigurationError: always.
        """
        raise ConsumerConfigurationError(
            "cannot consume events: no event bus consumer is configured (EVENT_BUS_CONSUMER)"
        )
