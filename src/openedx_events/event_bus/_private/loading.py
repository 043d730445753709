"""Choosing the producer and consumer from the settings.

``EVENT_BUS_PRODUCER`` and ``EVENT_BUS_CONSUMER`` name (by dotted path) a factory or class that
returns an :class:`EventBusProducer` / :class:`EventBusConsumer`. Unset, they mean the embedded
SQLite bus when ``EVENT_BUS_SQLITE_PATH`` names its file, and no bus at all otherwise: a service
that configures no bus writes no file, as with the reference implementation. The producer is
then the inactive one (events stay in the process, said once in the log), as the reference's
``get_producer()`` returns; asking for a consumer is an error. Naming a path that does not load
or gives something else is an error that names the setting: a bus asked for and broken must not
drop events quietly.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, cast

from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.consumer import EventBusConsumer
from openedx_events.event_bus._private.dotted import load_dotted
from openedx_events.event_bus._private.errors import ConsumerConfigurationError
from openedx_events.event_bus._private.inactive import NoEventBusProducer
from openedx_events.event_bus._private.producer import EventBusProducer
from openedx_events.exceptions import ProducerConfigurationError

__all__ = [
    "DEFAULT_CONSUMER",
    "DEFAULT_PRODUCER",
    "configured_producer",
    "get_producer",
    "make_single_consumer",
    "producer_configured",
    "reset_producer",
]

DEFAULT_PRODUCER = "openedx_events.event_bus.sqlite.create_producer"
DEFAULT_CONSUMER = "openedx_events.event_bus.sqlite.create_consumer"

log = logging.getLogger("openedx_events.event_bus.producer")

_producers: dict[tuple[str, ...], EventBusProducer] = {}
_lock = threading.Lock()
_INACTIVE = NoEventBusProducer()


def _factory_path(setting: str, embedded: str) -> str | None:
    """The factory ``setting`` names; the embedded bus's when only its file is set; else None."""
    path = get_setting(setting)
    if path:
        return str(path)
    return embedded if get_setting("EVENT_BUS_SQLITE_PATH") else None


def _no_bus(setting: str, role: str) -> str:
    return (
        f"no event bus is configured: {setting} is not set, so there is no {role}; set it "
        "to a factory's dotted path, or set EVENT_BUS_SQLITE_PATH to use the embedded bus"
    )


def producer_configured() -> bool:
    """Whether the settings name a producer (``EVENT_BUS_PRODUCER`` or the embedded bus's file)."""
    return _factory_path("EVENT_BUS_PRODUCER", DEFAULT_PRODUCER) is not None


def get_producer() -> EventBusProducer:
    """The producer named by ``EVENT_BUS_PRODUCER`` (the embedded bus when only its file is set).

    The producer is built once per setting value and reused. With no bus configured it is the
    inactive :class:`NoEventBusProducer`, as in the reference: the event bus is off, and
    the start-up warning of ``connect_producer_receivers`` (and one here) says so.

    Raises:
        ProducerConfigurationError: the setting does not name a producer factory.
    """
    path = _factory_path("EVENT_BUS_PRODUCER", DEFAULT_PRODUCER)
    if path is None:
        with _lock:
            if ("",) not in _producers:
                _producers[("",)] = _INACTIVE
                log.warning(
                    "The event bus is inactive: neither EVENT_BUS_PRODUCER nor "
                    "EVENT_BUS_SQLITE_PATH is set, so what is sent through get_producer() "
                    "stays in this process"
                )
        return _INACTIVE
    # The backend factories read their own settings; keying on where they point keeps
    # processes (and tests) that switch buses from sharing a producer.
    key = (
        str(path),
        str(get_setting("EVENT_BUS_SQLITE_PATH")),
        str(get_setting("EVENT_BUS_REDIS_CONNECTION_URL")),
        str(get_setting("EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS")),
        str(get_setting("EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL")),
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


def configured_producer() -> EventBusProducer:
    """The producer of :func:`get_producer`, for callers that cannot do without a bus.

    Raises:
        ProducerConfigurationError: no bus is configured, or the setting does not name a
            producer factory.
    """
    if not producer_configured():
        raise ProducerConfigurationError("", _no_bus("EVENT_BUS_PRODUCER", "producer"))
    return get_producer()


def reset_producer() -> None:
    """Forget the producers built so far (after the settings changed)."""
    with _lock:
        _producers.clear()


def make_single_consumer(*, topic: str, group_id: str, **kwargs: Any) -> EventBusConsumer:
    """A consumer from ``EVENT_BUS_CONSUMER`` (the embedded bus when only its file is set).

    Args:
        topic: the topic to consume, before ``EVENT_BUS_TOPIC_PREFIX`` is applied.
        group_id: the consumer group.
        **kwargs: passed on to the consumer (see :class:`BusConsumer` for the built-in one).

    Raises:
        ConsumerConfigurationError: no bus is configured, the setting does not name a
            consumer factory, or the factory refused the arguments.
    """
    path = _factory_path("EVENT_BUS_CONSUMER", DEFAULT_CONSUMER)
    if path is None:
        raise ConsumerConfigurationError(_no_bus("EVENT_BUS_CONSUMER", "consumer"))
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
