"""Bus log lines that say which event they are about and quote nothing of its data.

Every line logged while a consumer handles a record carries the record's event id, type,
topic and position, both in its text and as ``extra`` fields (``event_id``, ``event_type``,
``topic``, ``position``) for structured log handlers. An error is named by its type and where
it was raised, not by its message, which may quote the payload (an email, a username); the
setting ``EVENT_BUS_LOG_ERROR_DETAILS`` adds messages and tracebacks back where a site wants
them.
"""

from __future__ import annotations

import contextvars
import traceback
from collections.abc import Mapping
from typing import Any

from openedx_events._private.settings import get_setting

__all__ = [
    "WithheldMessage",
    "describe_error",
    "enter",
    "event_fields",
    "exc_info",
    "leave",
    "log_fields",
]

_current: contextvars.ContextVar[tuple[Mapping[str, str], str, object] | None] = (
    contextvars.ContextVar("openedx_events_log_fields", default=None)
)


def event_fields(headers: Mapping[str, str], topic: str, position: object) -> dict[str, str]:
    """The fields that identify a record in log lines."""
    return {
        "event_id": headers.get("id", ""),
        "event_type": headers.get("type", ""),
        "topic": topic,
        "position": str(position),
    }


def enter(headers: Mapping[str, str], topic: str, position: object) -> contextvars.Token[Any]:
    """Make the record's fields those of every bus log line in this thread, until :func:`leave`.

    The fields are only built when a line is logged: handling a record costs a context switch.
    """
    return _current.set((headers, topic, position))


def leave(token: contextvars.Token[Any]) -> None:
    _current.reset(token)


def log_fields(**fallback: object) -> tuple[str, dict[str, Any]]:
    """The text (`` [event_id=... ...]``) and ``extra`` of a log line about the current record.

    Outside :func:`enter`, ``fallback`` (such as ``event_id=...``) gives the fields.
    """
    current = _current.get()
    if current is not None:
        fields = event_fields(*current)
    else:
        fields = {name: str(value) for name, value in fallback.items()}
    text = " ".join(f"{name}={value}" for name, value in fields.items())
    return f" [{text}]", dict(fields)


def _details() -> bool:
    return get_setting("EVENT_BUS_LOG_ERROR_DETAILS", False) in (True, "true", "1")


def describe_error(error: BaseException) -> str:
    """``ValueError raised at receivers.py:42 in on_enrollment``; the message only if allowed."""
    name = type(error).__qualname__
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" raised at {last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name}"
    if _details():
        return f"{name}{where}: {error}"
    return f"{name}{where}"


class WithheldMessage(Exception):
    """Stands in, in a logged traceback, for an exception whose message is withheld."""


def exc_info(error: BaseException) -> tuple[type[BaseException], BaseException, Any]:
    """A log call's ``exc_info``: the traceback's frames, the message only when allowed."""
    if _details():
        return type(error), error, error.__traceback__
    withheld = WithheldMessage(
        f"{type(error).__qualname__} (its message is withheld from logs: it may quote personal "
        "data; set EVENT_BUS_LOG_ERROR_DETAILS to log it)"
    )
    return WithheldMessage, withheld, error.__traceback__
