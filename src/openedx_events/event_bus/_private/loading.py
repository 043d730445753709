"""Choosing the producer and consumer from the settings.

``EVENT_BUS_PRODUCER`` and ``EVENT_BUS_CONSUMER`` name (by dotted path) a factory or class that
returns an :class:`EventBusProducer` / :class:`EventBusConsumer`. Unset, they mean the embedded
SQLite bus. A path that does not load, or that gives something else, is an error that names the
setting: a misconfigured bus must not quietly drop events.
"""

from __future__ import annotations

import threading
from typing import Any, cast

from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.consumer import EventBusConsumer
from openedx_events.event_bus._private.dotted import load_dotted
from openedx_events.event_bus._private.errors import ConsumerConfigurationError
from openedx_events.event_bus._private.producer import EventBusProducer
from openedx_events.exceptions import ProducerConfigurationError

__all__ = [
    "DEFAULT_CONSUMER",
    "DEFAULT_PRODUCER",
    "get_producer",
    "make_single_consumer",
    "reset_producer",
]

DEFAULT_PRODUCER = "openedx_events.event_bus.sqlite.create_producer"
DEFAULT_CONSUMER = "openedx_events.event_bus.sqlite.create_consumer"

_producers: dict[tuple[str, ...], EventBusProducer] = {}
_lock = threading.Lock()


def get_producer() -> EventBusProducer:
    """The producer named by ``EVENT_BUS_PRODUCER`` (the embedded bus when unset).

    The producer is built once per setting value and reused.

    Raises:
        ProducerConfigurationError: the setting does not name a producer factory.
    """
    path = get_setting("EVENT_BUS_PRODUCER") or DEFAULT_PRODUCER
    # The backend factories read their own settings; keying on where they point keeps
    # processes (and tests) that switch buses from sharing a producer.
    key = (
        str(path),
        str(get_setting("EVENT_BUS_SQLITE_PATH")),
        str(get_setting("EVENT_BUS_REDIS_CONNECTION_URL")),
        str(get_setting("EVENT_BUS_SPOOL_PATH")),
    )
    with _lock:
        cached = _producers.get(key)
        if cached is not None:
            return cached
        producer = _build(path, "EVENT_BUS_PRODUCER", ProducerConfigurationError, {})
        if not isinstance(producer, EventBusProducer):
            raise ProducerConfigurationError(
                "",
                f"EVENT_BUS_PRODUCER={path!r} returned {producer!r}, "
                "which is not an EventBusProducer",
            )
        _producers[key] = producer
        return producer


def reset_producer() -> None:
    """Forget the producers built so far (after the settings changed)."""
    with _lock:
        _producers.clear()


def make_single_consumer(*, topic: str, group_id: str, **kwargs: Any) -> EventBusConsumer:
    """A consumer from ``EVENT_BUS_CONSUMER`` (the embedded bus when unset).

    Args:
        topic: the topic to consume, before ``EVENT_BUS_TOPIC_PREFIX`` is applied.
        group_id: the consumer group.
        **kwargs: passed on to the consumer (see :class:`BusConsumer` for the built-in one).

    Raises:
        ConsumerConfigurationError: the setting does not name a consumer factory, or the
            factory refused the arguments.
    """
    path = get_setting("EVENT_BUS_CONSUMER") or DEFAULT_CONSUMER
    consumer = _build(
        path,
        "EVENT_BUS_CONSUMER",
        ConsumerConfigurationError,
        {"topic": topic, "group_id": group_id, **kwargs},
    )
    if not isinstance(consumer, EventBusConsumer):
        raise ConsumerConfigurationError(
            f"EVENT_BUS_CONSUMER={path!r} returned {consumer!r}, which is not an EventBusConsumer"
        )
    return consumer


def _build(path: object, setting: str, error: type[Any], kwargs: dict[str, Any]) -> object:
    def fail(message: str) -> Exception:
        # ProducerConfigurationError takes the event type first; there is none here.
        made = error("", message) if error is ProducerConfigurationError else error(message)
        return cast(Exception, made)

    try:
        factory = load_dotted(path, setting, ConsumerConfigurationError)
    except ConsumerConfigurationError as exc:
        raise fail(str(exc)) from exc
    if not callable(factory):
        raise fail(f"{setting}={path!r} is {factory!r}, which cannot be called")
    try:
        return factory(**kwargs)
    except TypeError as exc:
        raise fail(f"{setting}={path!r} refused its arguments: {exc}") from exc
