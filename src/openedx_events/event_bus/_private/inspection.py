"""Looking at a bus without consuming from it: its backend, topics, groups, and a tail."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.loading import configured_producer
from openedx_events.event_bus._private.producer import BusProducer
from openedx_events.event_bus._private.records import Position, Record
from openedx_events.exceptions import ProducerConfigurationError

__all__ = ["get_backend", "tail"]


def get_backend() -> Backend:
    """The backend the configured producer writes to.

    Raises:
        ProducerConfigurationError: no producer is configured, or it is not backed by a
            :class:`Backend` (an external bus such as Kafka is inspected with its own tools).
    """
    producer = configured_producer()
    if not isinstance(producer, BusProducer):
        raise ProducerConfigurationError(
            "", f"the configured producer {producer!r} has no backend to inspect"
        )
    return producer.backend


def tail(
    backend: Backend,
    stored_topic: str,
    *,
    after: Position | None = None,
    follow: bool = False,
    poll_interval: float = 0.1,
    stop: threading.Event | None = None,
    batch_size: int = 500,
) -> Iterator[Record]:
    """The records of ``stored_topic`` after position ``after`` (or from the start), read only.

    With ``follow``, keeps waiting for new records until ``stop`` is set.
    """
    stop = stop or threading.Event()
    while not stop.is_set():
        records = backend.read(stored_topic, after=after, limit=batch_size)
        yield from records
        if records:
            after = records[-1].position
            continue
        if not follow:
            return
        stop.wait(poll_interval)
