"""Connections to Redis: redis-py with hiredis, a timeout on every call, clear errors.

Every call has a socket timeout, so a Redis that stops answering makes a call fail instead of
hang; nothing relies on ``SIGALRM``. Errors come out as :class:`EventBusStorageError` naming
the server (never its password) and the cause.
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.exceptions import ProducerConfigurationError

__all__ = [
    "DEFAULT_SOCKET_TIMEOUT",
    "connect",
    "redacted",
    "send",
    "send_all",
    "storage_errors",
    "transaction",
]

DEFAULT_SOCKET_TIMEOUT = 5.0


def _redis() -> Any:
    if _modules:
        return _modules[0]
    try:
        import redis  # noqa: PLC0415  (optional: only the Redis backend needs it)
    except ImportError as error:
        raise ProducerConfigurationError(
            "",
            "the Redis event bus needs redis-py: install the extra "
            f"'openedx-events[redis]' (redis with hiredis); {error}",
        ) from error
    _modules[:] = [redis]
    return redis


_modules: list[Any] = []  # redis-py, once imported (an import statement a call costs)
_packers: list[Any] = []


def _pack_command() -> Any:
    if not _packers:
        import hiredis  # noqa: PLC0415  (installed with redis[hiredis], the extra)

        _packers.append(hiredis.pack_command)
    return _packers[0]


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
        client = redis.Redis.from_url(
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
    setattr(client, _HELD, _Held())  # see send_all
    return client


class storage_errors:
    """Turn redis-py's errors into :class:`EventBusStorageError` naming ``where``.

    A class rather than a generator: it wraps every Redis call, and a generator costs a
    microsecond or two a use, a good part of what a single send adds to its round trip.
    """

    __slots__ = ("where",)

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: Any, traceback: Any) -> None:
        if kind is None:
            return
        redis = _redis()
        if not issubclass(kind, redis.RedisError):
            return
        where = self.where
        if issubclass(kind, redis.AuthenticationError):
            message = f"Redis at {where} refused the credentials: {error}"
        elif issubclass(kind, (redis.ConnectionError, redis.TimeoutError)):
            message = f"Redis at {where} is unreachable: {error}"
        elif issubclass(kind, redis.ResponseError):
            message = f"Redis at {where} refused a command: {error}"
        else:
            message = f"Redis at {where} failed: {error}"
        raise EventBusStorageError(message) from error


def transaction(client: Any, commands: list[tuple[Any, ...]]) -> list[Any]:
    """Run ``commands`` in one ``MULTI``/``EXEC`` on one connection; return their raw replies.

    The commands are packed by hiredis and written at once, with none of the per-command work
    of a redis-py pipeline: it is the path of batched sends (``EXEC`` applies all or none).

    Raises:
        redis.RedisError: Redis refused a command, or the connection failed twice.
    """
    if len(commands) == 1:
        return send_all(client, commands[0])
    replies: list[Any] = send(client, ("MULTI",), *commands, ("EXEC",))
    for reply in replies:
        if isinstance(reply, Exception):
            raise reply
    return replies


def send(client: Any, *commands: tuple[Any, ...]) -> Any:
    """Write ``commands`` at once on one pooled connection; return the last one's raw reply."""
    return send_all(client, *commands)[-1]


def send_all(client: Any, *commands: tuple[Any, ...], errors_as_replies: bool = False) -> list[Any]:
    """Write ``commands`` at once on one connection; return their raw replies.

    A connection that fails is dropped and the commands are sent once more on a fresh one,
    as redis-py itself does. This skips redis-py's per-command layers, which cost more than
    the round trip itself on the hot path of a single send. A client made by :func:`connect`
    keeps one connection out of its pool for whichever thread is not waiting for another
    (the pool's checkout and return cost a third of a small command's round trip); the others
    take pooled ones. With ``errors_as_replies``, a command Redis refuses gives its
    ``ResponseError`` as its reply and the others still run.

    Raises:
        redis.RedisError: Redis refused a command, or the connection failed twice.
    """
    packed = [b"".join([_pack_command()(command) for command in commands])]
    held: _Held | None = getattr(client, _HELD, None)
    if held is not None and held.lock.acquire(blocking=False):
        try:
            return _exchange(held.connection_of(client), packed, len(commands), errors_as_replies)
        finally:
            held.lock.release()
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        return _exchange(connection, packed, len(commands), errors_as_replies)
    finally:
        pool.release(connection)


def _exchange(
    connection: Any, packed: list[bytes], count: int, errors_as_replies: bool
) -> list[Any]:
    redis = _redis()
    for attempt in (1, 2):
        try:
            connection.send_packed_command(packed)
            if not errors_as_replies:
                return [connection.read_response() for _ in range(count)]
            return [_reply_or_error(connection) for _ in range(count)]
        except (redis.ConnectionError, redis.TimeoutError):
            connection.disconnect()  # the next send connects afresh
            if attempt == 2:
                raise
        except BaseException:
            connection.disconnect()  # replies may be left unread: start afresh
            raise
    raise AssertionError("unreachable")  # pragma: no cover


_HELD = "_openedx_events_held"


class _Held:
    """The connection a client keeps out of its pool, and who may use it now."""

    __slots__ = ("connection", "lock", "pid")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connection: Any = None
        self.pid = 0

    def connection_of(self, client: Any) -> Any:
        pid = os.getpid()
        if self.connection is None or self.pid != pid:
            # A forked child must not talk on its parent's socket: its pool starts afresh.
            self.connection = client.connection_pool.get_connection()
            self.pid = pid
        return self.connection


def _reply_or_error(connection: Any) -> Any:
    """The next reply on ``connection``, or the ``ResponseError`` Redis sent instead."""
    try:
        return connection.read_response()
    except _redis().ResponseError as error:  # the reply was read whole: the connection is in step
        return error
