"""Building the embedded bus from the settings."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.backend import DEFAULT_CLAIM_TIMEOUT
from openedx_events.event_bus._private.consumer import BusConsumer
from openedx_events.event_bus._private.producer import BusProducer
from openedx_events.event_bus._private.spool import spool_from_settings
from openedx_events.event_bus.sqlite._backend import DEFAULT_BUSY_TIMEOUT, SqliteBackend

__all__ = ["DEFAULT_PATH", "backend_from_settings", "create_consumer", "create_producer"]

DEFAULT_PATH = "openedx-events.db"

_backends: dict[tuple[str, float, float, str], SqliteBackend] = {}
_lock = threading.Lock()


def backend_from_settings() -> SqliteBackend:
    """The backend for ``EVENT_BUS_SQLITE_PATH`` and its companion settings.

    One backend object per file (and settings) per process, so connections are reused.
    """
    path = str(get_setting("EVENT_BUS_SQLITE_PATH") or DEFAULT_PATH)
    if not path.startswith("file:"):
        path = os.path.abspath(path)
    busy = float(get_setting("EVENT_BUS_SQLITE_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    claim = float(get_setting("EVENT_BUS_CLAIM_TIMEOUT", DEFAULT_CLAIM_TIMEOUT))
    synchronous = str(get_setting("EVENT_BUS_SQLITE_SYNCHRONOUS", "NORMAL"))
    key = (path, busy, claim, synchronous)
    with _lock:
        if key not in _backends:
            _backends[key] = SqliteBackend(
                Path(path), busy_timeout=busy, claim_timeout=claim, synchronous=synchronous
            )
        return _backends[key]


def create_producer() -> BusProducer:
    """A producer on the embedded bus (the default ``EVENT_BUS_PRODUCER``)."""
    backend = backend_from_settings()
    return BusProducer(backend, spool=spool_from_settings(backend))


def create_consumer(*, topic: str, group_id: str, **kwargs: Any) -> BusConsumer:
    """A consumer on the embedded bus (the default ``EVENT_BUS_CONSUMER``)."""
    return BusConsumer(backend_from_settings(), topic=topic, group_id=group_id, **kwargs)
