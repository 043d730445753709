"""The reference's inactive producer and consumer: the event bus switched off.

``get_producer()`` returns the inactive producer when no bus is configured at all (as the
reference does), and a setting may name either on purpose (``EVENT_BUS_PRODUCER =
"openedx_events.event_bus.NoEventBusProducer"``). A bus that is configured but broken is never
replaced by them: that is an error naming the setting.
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
