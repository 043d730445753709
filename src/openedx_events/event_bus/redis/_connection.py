"""Connections to Redis: redis-py with hiredis, a timeout on every call, clear errors.

Every call has a socket timeout, so a Redis that stops answering makes a call fail instead of
hang; nothing relies on ``SIGALRM``. Errors come out as :class:`EventBusStorageError` naming
the server (never its password) and the cause.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.exceptions import ProducerConfigurationError

__all__ = ["DEFAULT_SOCKET_TIMEOUT", "connect", "redacted", "storage_errors"]

DEFAULT_SOCKET_TIMEOUT = 5.0


def _redis() -> Any:
    try:
        import redis  # noqa: PLC0415  (optional: only the Redis backend needs it)
    except ImportError as error:
        raise ProducerConfigurationError(
            "",
            "the Redis event bus needs redis-py: install the extra "
            f"'openedx-events[redis]' (redis with hiredis); {error}",
        ) from error
    return redis


def redacted(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def connect(url: str, *, socket_timeout: float = DEFAULT_SOCKET_TIMEOUT, **options: Any) -> Any:
    """A client for ``url`` (``redis://``, ``rediss://`` for TLS, ``unix://``).

    User names (Redis ACL) and passwords come in the URL; TLS options such as
    ``ssl_ca_certs`` may be passed as ``options``. Every call times out after
    ``socket_timeout`` seconds; a lost connection is made again on the next call.
    """
    redis = _redis()
    from redis.backoff import ExponentialBackoff  # noqa: PLC0415  (optional dependency)
    from redis.retry import Retry  # noqa: PLC0415  (optional dependency)

    try:
        return redis.Redis.from_url(
            url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            # One quick retry rides over a dropped connection; longer outages surface as
            # errors, which the callers back off from (or spool) themselves.
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 1),
            health_check_interval=30,
            **options,
        )
    except ValueError as error:
        raise ProducerConfigurationError(
            "", f"EVENT_BUS_REDIS_CONNECTION_URL {redacted(url)!r} is not usable: {error}"
        ) from error


@contextlib.contextmanager
def storage_errors(where: str) -> Iterator[None]:
    """Turn redis-py's errors into :class:`EventBusStorageError` naming ``where``."""
    import redis  # noqa: PLC0415  (only reached once a client exists)

    try:
        yield
    except redis.AuthenticationError as error:
        raise EventBusStorageError(f"Redis at {where} refused the credentials: {error}") from error
    except (redis.ConnectionError, redis.TimeoutError) as error:
        raise EventBusStorageError(f"Redis at {where} is unreachable: {error}") from error
    except redis.ResponseError as error:
        raise EventBusStorageError(f"Redis at {where} refused a command: {error}") from error
    except redis.RedisError as error:
        raise EventBusStorageError(f"Redis at {where} failed: {error}") from error
