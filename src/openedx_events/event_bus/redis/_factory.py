"""Building the Redis bus from the settings the reference's Redis bus reads.

``EVENT_BUS_REDIS_CONNECTION_URL`` (required), ``EVENT_BUS_REDIS_STREAM_MAX_LEN`` (the
``MAXLEN ~`` bound, 10,000 by default as in the reference; 0 or ``None`` for none),
``EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT`` (the longest server-side wait for new entries, in
seconds; capped at one second so a stop is prompt), ``EVENT_BUS_REDIS_CONSUMERS_ENABLED`` (the
kill switch) and ``EVENT_BUS_REDIS_CONSUMER_CONSECUTIVE_ERRORS_LIMIT``; besides them
``EVENT_BUS_REDIS_SOCKET_TIMEOUT`` (5 s), ``EVENT_BUS_CLAIM_TIMEOUT`` and ``EVENT_BUS_SPOOL_PATH``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.backend import DEFAULT_CLAIM_TIMEOUT
from openedx_events.event_bus._private.consumer import BusConsumer
from openedx_events.event_bus._private.producer import BusProducer
from openedx_events.event_bus._private.spool import spool_from_settings
from openedx_events.event_bus.redis._backend import RedisBackend
from openedx_events.event_bus.redis._connection import DEFAULT_SOCKET_TIMEOUT
from openedx_events.event_bus.redis._ids import stream_id
from openedx_events.exceptions import ProducerConfigurationError

__all__ = [
    "DEFAULT_STREAM_MAX_LEN",
    "RedisConsumer",
    "backend_from_settings",
    "create_consumer",
    "create_producer",
]

log = logging.getLogger("openedx_events.event_bus.redis")

DEFAULT_STREAM_MAX_LEN = 10_000
_MAX_POLL = 1.0

_backends: dict[tuple[str, int | None, float, float], RedisBackend] = {}
_lock = threading.Lock()


def _number(name: str, default: float | None) -> float | None:
    value = get_setting(name, default)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ProducerConfigurationError("", f"{name}={value!r} is not a number") from None


def backend_from_settings(*, claim_timeout: float | None = None) -> RedisBackend:
    """The backend for the Redis settings; one per URL and options per process.

    Raises:
        ProducerConfigurationError: ``EVENT_BUS_REDIS_CONNECTION_URL`` is missing or unusable,
            or the ``redis`` extra is not installed.
    """
    url = get_setting("EVENT_BUS_REDIS_CONNECTION_URL")
    if not url:
        raise ProducerConfigurationError(
            "", "the Redis event bus needs EVENT_BUS_REDIS_CONNECTION_URL (redis://host:6379/0)"
        )
    max_len_setting = _number("EVENT_BUS_REDIS_STREAM_MAX_LEN", DEFAULT_STREAM_MAX_LEN)
    max_len = int(max_len_setting) if max_len_setting else None
    claim = claim_timeout
    if claim is None:
        claim = _number("EVENT_BUS_CLAIM_TIMEOUT", DEFAULT_CLAIM_TIMEOUT) or DEFAULT_CLAIM_TIMEOUT
    timeout = (
        _number("EVENT_BUS_REDIS_SOCKET_TIMEOUT", DEFAULT_SOCKET_TIMEOUT) or DEFAULT_SOCKET_TIMEOUT
    )
    key = (str(url), max_len, claim, timeout)
    with _lock:
        if key not in _backends:
            _backends[key] = RedisBackend(
                str(url), claim_timeout=claim, max_len=max_len, socket_timeout=timeout
            )
        return _backends[key]


def create_producer() -> BusProducer:
    """A producer on the Redis bus (for ``EVENT_BUS_PRODUCER``)."""
    backend = backend_from_settings()
    return BusProducer(backend, spool=spool_from_settings(backend))


class RedisConsumer(BusConsumer):
    """The shared consumer runtime, with the Redis bus's kill switch."""

    def consume_indefinitely(self) -> None:
        """Deliver events until stopped, unless ``EVENT_BUS_REDIS_CONSUMERS_ENABLED`` is false."""
        if get_setting("EVENT_BUS_REDIS_CONSUMERS_ENABLED", True) is False:
            log.error("Redis consumers are disabled (EVENT_BUS_REDIS_CONSUMERS_ENABLED); exiting")
            return
        super().consume_indefinitely()


def create_consumer(
    *,
    topic: str,
    group_id: str,
    consumer_name: str | None = None,
    last_read_msg_id: str | None = None,
    check_backlog: bool | None = None,
    claim_msgs_older_than: int | None = None,
    **kwargs: Any,
) -> RedisConsumer:
    """A consumer on the Redis bus (for ``EVENT_BUS_CONSUMER``).

    The reference's ``consume_events --extra`` options work: ``consumer_name``;
    ``last_read_msg_id`` replays every entry after that id; ``claim_msgs_older_than`` (ms)
    is the idle time after which another consumer's pending entries are taken over. A group
    never skips entries, so ``check_backlog`` is accepted and changes nothing: a new group
    starts at the beginning of the stream, an existing one where it left off. Other keyword
    arguments are those of :class:`BusConsumer`.
    """
    if check_backlog is False:
        log.info("check_backlog=False: Redis groups always handle their backlog (nothing is lost)")
    claim = None if claim_msgs_older_than is None else float(claim_msgs_older_than) / 1000
    backend = backend_from_settings(claim_timeout=claim)
    if last_read_msg_id and kwargs.get("position") is None:
        kwargs["position"] = stream_id(last_read_msg_id).next()
    if kwargs.get("max_consecutive_errors") is None:
        limit = get_setting("EVENT_BUS_REDIS_CONSUMER_CONSECUTIVE_ERRORS_LIMIT")
        if limit not in (None, ""):
            kwargs["max_consecutive_errors"] = int(limit)
    if "poll_interval" not in kwargs:
        poll = _number("EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT", _MAX_POLL) or _MAX_POLL
        kwargs["poll_interval"] = min(poll, _MAX_POLL)
    return RedisConsumer(
        backend, topic=topic, group_id=group_id, consumer_name=consumer_name, **kwargs
    )
