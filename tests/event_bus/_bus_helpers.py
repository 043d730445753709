"""Helpers shared by the event bus tests."""

from __future__ import annotations


class Clock:
    """A clock the tests move by hand, to reach claim timeouts without waiting."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
