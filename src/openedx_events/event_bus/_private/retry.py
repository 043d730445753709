"""How often, and after how long, a failing receiver is tried again."""

from __future__ import annotations

import attrs

__all__ = ["RetryPolicy"]


@attrs.frozen
class RetryPolicy:
    """Try an event up to ``max_attempts`` times, waiting longer between each try.

    The wait before attempt ``n + 1`` is ``initial_delay * multiplier ** (n - 1)``, at most
    ``max_delay`` seconds.
    """

    max_attempts: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    initial_delay: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    multiplier: float = attrs.field(default=2.0, validator=attrs.validators.ge(1))
    max_delay: float = attrs.field(default=30.0, validator=attrs.validators.ge(0))

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait after ``failed_attempts`` failures, before the next try."""
        return float(
            min(self.max_delay, self.initial_delay * self.multiplier ** (failed_attempts - 1))
        )
