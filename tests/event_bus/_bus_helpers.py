"""Helpers shared by the event bus tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime

#: Backends whose server keeps the time run the contract with every span this much shorter.
TIME_SCALE = 0.01


class Clock:
    """A clock the tests move by hand, to reach claim timeouts without waiting."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        self.now += seconds

    def when(self, offset: float = 0.0) -> datetime:
        """The moment ``offset`` seconds from now."""
        return datetime.fromtimestamp(self.now + offset, tz=UTC)


class ScaledClock(Clock):
    """The real clock, for a backend whose server keeps time: every span shrinks by ``scale``.

    The backend under test is built with its claim timeout scaled the same way, so a test
    that lets 31 seconds pass against a 30-second timeout sleeps 0.31 s against 0.3 s.
    """

    def __init__(self, scale: float) -> None:
        super().__init__(time.time())
        self.scale = scale

    def __call__(self) -> float:
        return time.time()

    def advance(self, seconds: float) -> None:
        time.sleep(seconds * self.scale)

    def when(self, offset: float = 0.0) -> datetime:
        return datetime.fromtimestamp(time.time() + offset * self.scale, tz=UTC)
