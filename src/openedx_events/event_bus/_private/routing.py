"""Publishing signals to the bus as ``EVENT_BUS_PRODUCER_CONFIG`` routes them.

The setting maps an event type to its topics, each with the dotted path of the message key,
a switch, and optionally the publishing mode (see :mod:`.modes`; ``EVENT_BUS_PRODUCER_MODE``
when absent)::

    EVENT_BUS_PRODUCER_CONFIG = {
        "org.openedx.learning.course.enrollment.created.v1": {
            "learning-course-enrollment": {
                "event_key_field": "enrollment.course.course_key",
                "enabled": True,
                "mode": "outbox",
            },
        },
    }
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Mapping
from typing import Any, NamedTuple

from openedx_events._private.fields import field_path_problem
from openedx_events._private.settings import get_setting
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.errors import EventBusStorageError, EventNotPublishedError
from openedx_events.event_bus._private.loading import get_producer, producer_configured
from openedx_events.event_bus._private.modes import (
    IMMEDIATE,
    ON_COMMIT,
    check_mode,
    default_mode,
    transactional_publisher,
)
from openedx_events.event_bus._private.records import check_topic
from openedx_events.exceptions import ProducerConfigurationError, UnknownEventTypeError

__all__ = [
    "Route",
    "connect_producer_receivers",
    "disconnect_producer_receivers",
    "general_signal_handler",
    "merge_producer_configs",
    "validate_producer_config",
]

log = logging.getLogger("openedx_events.event_bus.producer")


class Route(NamedTuple):
    """Where a signal's events go: a topic, the key's dotted path, and the mode if one is set."""

    topic: str
    event_key_field: str | None
    mode: str | None = None


_TOPIC_KEYS = frozenset({"event_key_field", "enabled"})
_OPTIONAL_TOPIC_KEYS = frozenset({"mode"})


def merge_producer_configs(
    producer_config_original: Mapping[str, Any], producer_config_overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """The first config with the second laid over it, topic by topic and key by key.

    Neither argument is changed. A service's settings use it to adjust the defaults::

        EVENT_BUS_PRODUCER_CONFIG = merge_producer_configs(DEFAULTS, {
            "org.openedx.learning.course.enrollment.created.v1": {
                "learning-course-enrollment": {"enabled": False},
            },
        })
    """
    merged: dict[str, Any] = copy.deepcopy(dict(producer_config_original))
    for event_type, topics in producer_config_overrides.items():
        target = merged.setdefault(event_type, {})
        if not isinstance(topics, Mapping) or not isinstance(target, dict):
            merged[event_type] = copy.deepcopy(topics)
            continue
        for topic, settings in topics.items():
            current = target.get(topic)
            if isinstance(current, dict) and isinstance(settings, Mapping):
                current.update(copy.deepcopy(dict(settings)))
            else:
                target[topic] = copy.deepcopy(settings)
    return merged


def _check_key_field(signal: OpenEdxPublicSignal, path: str) -> None:
    problem = field_path_problem(signal.init_data, path)
    if problem is not None:
        raise ProducerConfigurationError(signal.event_type, f"event_key_field '{path}': {problem}")


def validate_producer_config(
    config: object,
) -> dict[OpenEdxPublicSignal, list[Route]]:
    """Check ``EVENT_BUS_PRODUCER_CONFIG``-shaped data; return each signal's enabled routes.

    Raises:
        ProducerConfigurationError: the message names the event type and the key at fault.
    """
    if not isinstance(config, Mapping):
        raise ProducerConfigurationError(
            "",
            "Setting 'EVENT_BUS_PRODUCER_CONFIG' should be a dictionary with event_type as key: "
            f"EVENT_BUS_PRODUCER_CONFIG must be a dict, got {type(config).__name__}",
        )
    routes: dict[OpenEdxPublicSignal, list[Route]] = {}
    for event_type, topics in config.items():
        try:
            signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
        except UnknownEventTypeError as error:
            raise ProducerConfigurationError(
                event_type, f"No OpenEdxPublicSignal of type: '{event_type}'. {error}"
            ) from error
        if not isinstance(topics, Mapping):
            raise ProducerConfigurationError(
                event_type,
                "Configuration for event_types should be a dict: "
                f"it must map topics to their settings, got {topics!r}",
            )
        for topic, settings in topics.items():
            route = _route(signal, topic, settings)
            if route is not None:
                routes.setdefault(signal, []).append(route)
    return routes


def _route(signal: OpenEdxPublicSignal, topic: str, settings: object) -> Route | None:
    """The route one topic's settings describe; ``None`` when it is disabled."""
    event_type = signal.event_type
    try:
        check_topic(topic)
    except ValueError as error:
        raise ProducerConfigurationError(event_type, str(error)) from error
    where = f"topic '{topic}'"
    if not isinstance(settings, Mapping):
        raise ProducerConfigurationError(
            event_type,
            "One of the configuration objects is not a dictionary: "
            f"{where}: settings must be a dict, got {settings!r}",
        )
    missing = sorted(_TOPIC_KEYS - set(settings))
    unknown = sorted(set(settings) - _TOPIC_KEYS - _OPTIONAL_TOPIC_KEYS)
    if missing or unknown:
        problem = (
            f"One of the configuration object is missing '{missing[0]}' key. "
            f"{where}: missing key '{missing[0]}'"
            if missing
            else f"{where}: unknown key '{unknown[0]}'"
        )
        raise ProducerConfigurationError(
            event_type,
            f"{problem} (expected 'event_key_field', 'enabled' and optionally 'mode')",
        )
    enabled, key_field = settings["enabled"], settings["event_key_field"]
    if not isinstance(enabled, bool):
        raise ProducerConfigurationError(
            event_type,
            f"Expected type: {bool} for 'enabled', found: {type(enabled)}: "
            f"{where}: 'enabled' must be True or False, got {enabled!r}",
        )
    if key_field is not None and not isinstance(key_field, str):
        raise ProducerConfigurationError(
            event_type,
            f"Expected type: {str} for 'event_key_field', found: {type(key_field)}: "
            f"{where}: 'event_key_field' must be a string, got {key_field!r}",
        )
    if key_field:
        _check_key_field(signal, key_field)
    mode = settings.get("mode")
    if mode is not None:
        check_mode(event_type, f"{where}: 'mode'", mode)
    return Route(topic, key_field or None, mode) if enabled else None


class _Publisher:
    """The receiver that publishes one signal's events to its enabled topics."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def __call__(
        self,
        signal: OpenEdxPublicSignal,
        metadata: Any,
        from_event_bus: bool = False,
        sender: object = None,
        **event_data: Any,
    ) -> None:
        if from_event_bus:  # it came from the bus: publishing it again would loop
            return
        producer = get_producer()
        publisher = transactional_publisher()
        refused: list[str] = []
        for topic, key_field, route_mode in self.routes:
            # The default is read per event, so a changed setting takes effect at once.
            mode = route_mode or default_mode(signal.event_type)
            try:
                if mode == IMMEDIATE or (mode == ON_COMMIT and publisher is None):
                    producer.send(
                        signal=signal,
                        topic=topic,
                        event_key_field=key_field,
                        event_data=event_data,
                        event_metadata=metadata,
                    )
                elif publisher is None:  # only 'outbox' comes here, and it must not be dropped
                    check_mode(signal.event_type, f"topic '{topic}'", mode)
                else:
                    publisher.publish(
                        mode,
                        producer,
                        signal=signal,
                        topic=topic,
                        event_key_field=key_field,
                        event_data=event_data,
                        event_metadata=metadata,
                    )
            except EventBusStorageError as error:
                refused.append(f"{topic}: {error}")
        if refused:
            raise EventNotPublishedError(
                f"{signal.event_type} event {getattr(metadata, 'id', '?')} was not published "
                f"to {'; '.join(refused)}"
            )

    def __repr__(self) -> str:
        return f"<event bus publisher to {', '.join(route.topic for route in self.routes)}>"


def general_signal_handler(sender: object, signal: OpenEdxPublicSignal, **kwargs: Any) -> None:
    """A receiver that publishes an event where ``EVENT_BUS_PRODUCER_CONFIG`` routes it now.

    The reference's producing receiver, for code that connects it by hand; the Django app
    connects one publisher per routed signal instead (see :func:`connect_producer_receivers`).

    Raises:
        ProducerConfigurationError: the routes of this event type are invalid.
    """
    config = get_setting("EVENT_BUS_PRODUCER_CONFIG") or {}
    if not isinstance(config, Mapping) or signal.event_type not in config:
        return
    routes = validate_producer_config({signal.event_type: config[signal.event_type]})
    for signal_routes in routes.values():
        _Publisher(signal_routes)(signal=signal, sender=sender, **kwargs)


_UID = "openedx_events.event_bus.publisher"
_connected: dict[str, OpenEdxPublicSignal] = {}
_lock = threading.Lock()


def connect_producer_receivers() -> dict[str, list[Route]]:
    """Validate ``EVENT_BUS_PRODUCER_CONFIG`` and publish its signals to their topics.

    Call it once at start-up (the Django app does, in ``ready()``); calling it again applies
    the current settings. Returns the connected routes by event type.

    With no bus configured (see :func:`producer_configured`) the bus is inactive, as with the
    reference implementation: nothing is connected, and one warning says how many enabled
    routes will not leave the process.

    Raises:
        ProducerConfigurationError: the configuration, or ``EVENT_BUS_PRODUCER`` when
            something is routed, is invalid; nothing is connected.
    """
    config = get_setting("EVENT_BUS_PRODUCER_CONFIG")
    routes = validate_producer_config({} if config is None else config)
    if not producer_configured():
        disconnect_producer_receivers()
        log.warning(
            "The event bus is inactive: neither EVENT_BUS_PRODUCER nor EVENT_BUS_SQLITE_PATH "
            "(the embedded bus) is set, so %d enabled route(s) of EVENT_BUS_PRODUCER_CONFIG "
            "will not leave this process",
            sum(len(signal_routes) for signal_routes in routes.values()),
        )
        return {}
    if routes:
        default_mode()  # a bad EVENT_BUS_PRODUCER_MODE fails now too
        get_producer()  # a broken EVENT_BUS_PRODUCER fails now, not at the first event
    with _lock:
        _disconnect_all()
        for signal, signal_routes in routes.items():
            signal.connect(_Publisher(signal_routes), weak=False, dispatch_uid=_UID)
            _connected[signal.event_type] = signal
    for signal, signal_routes in routes.items():
        log.info("%s is published to %s", signal.event_type, [r.topic for r in signal_routes])
    return {signal.event_type: signal_routes for signal, signal_routes in routes.items()}


def disconnect_producer_receivers() -> None:
    """Stop publishing signals to the bus."""
    with _lock:
        _disconnect_all()


def _disconnect_all() -> None:
    for signal in _connected.values():
        signal.disconnect(dispatch_uid=_UID)
    _connected.clear()
