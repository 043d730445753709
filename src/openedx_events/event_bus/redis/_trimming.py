"""Watching what ``XADD ... MAXLEN ~`` trims: a warning before a group loses unread entries.

The reference's Redis bus bounds every stream with ``MAXLEN ~`` and trims whatever is oldest,
read or not. The Redis backend writes the same bound (``EVENT_BUS_REDIS_STREAM_MAX_LEN``), and
this watch, run by producers every few seconds per stream, warns while a group has so many
entries left to handle that the bound trims (or is about to trim) some it has not handled.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openedx_events.event_bus.redis._backend import RedisBackend

__all__ = ["CHECK_INTERVAL", "WARN_FRACTION", "TrimWatch"]

log = logging.getLogger("openedx_events.event_bus.redis")

CHECK_INTERVAL = 5.0
WARN_FRACTION = 0.8  # warn once a group is this much of the bound behind


class TrimWatch:
    """Checks the groups of the streams a producer writes to, at most every ``interval`` s."""

    def __init__(
        self, backend: RedisBackend, max_len: int | None, interval: float = CHECK_INTERVAL
    ) -> None:
        self.backend = backend
        self.max_len = max_len
        self.interval = interval
        self._next_check: dict[str, float] = {}
        self._lock = threading.Lock()

    def appended(self, topic: str, count: int) -> None:
        """Note an append to ``topic``; check its groups when the interval has passed."""
        now = time.monotonic()
        with self._lock:
            if now < self._next_check.get(topic, 0.0):
                return
            self._next_check[topic] = now + self.interval
        try:
            self.check(topic)
        except Exception:  # the events are stored: a look that failed must not fail the send
            log.exception("Could not check the consumer groups of %r", topic)

    def check(self, topic: str) -> list[str]:
        """Log, and return, a warning for each group of ``topic`` that trimming endangers."""
        if self.max_len is None:
            return []
        warnings = [
            f"group {group.group!r} has {group.lag:,} entries of {topic!r} left to handle, "
            f"close to or past EVENT_BUS_REDIS_STREAM_MAX_LEN={self.max_len:,}: entries it "
            "has not handled are trimmed (MAXLEN ~) as new ones arrive"
            for group in self.backend.groups(topic)
            if group.lag >= WARN_FRACTION * self.max_len
        ]
        for warning in warnings:
            log.warning("%s", warning)
        return warnings
