"""Whether a consumer is alive (its loop turns) and ready (its broker answers), for probes."""

from __future__ import annotations

import time

__all__ = ["Health"]


class Health:
    """What a consumer's loop last did, read by the probe endpoint's threads.

    Alive: the loop turned (or handled an event) within ``stale_after`` seconds. Ready: it is
    running and its last call to the backend succeeded.
    """

    def __init__(self, stale_after: float = 60.0) -> None:
        self.stale_after = stale_after
        self.running = False
        self.connected = False
        self._turned_at = 0.0

    def turned(self) -> None:
        """The loop went round once, or an event was handled."""
        self._turned_at = time.monotonic()

    def started(self) -> None:
        self.running = True
        self.turned()

    def stopped(self) -> None:
        self.running = False
        self.connected = False

    def alive(self) -> bool:
        return self.running and time.monotonic() - self._turned_at < self.stale_after

    def ready(self) -> bool:
        return self.alive() and self.connected

    def describe(self) -> dict[str, bool]:
        return {"alive": self.alive(), "ready": self.ready(), "connected": self.connected}
