"""What the outbox holds: how many rows wait, for how long, and why the relay failed."""

from __future__ import annotations

from typing import Any

import attrs
from django.db import models
from django.utils import timezone

from openedx_events.django.outbox import OutboxMessage, outbox_database

__all__ = ["OutboxStatus", "TopicBacklog", "outbox_status", "unsent_by_topic"]


@attrs.frozen
class OutboxStatus:
    """A look at the outbox.

    ``depth`` counts unsent rows; ``oldest_unsent_age`` is the age of the oldest of them in
    seconds (``None`` when there is none); ``failing`` counts unsent rows the relay failed to
    publish, and ``last_error`` is its most recent failure among them.
    """

    database: str
    depth: int
    oldest_unsent_age: float | None
    failing: int
    last_error: str | None
    sent: int

    def to_json_data(self) -> dict[str, Any]:
        """The status as JSON-compatible data."""
        return attrs.asdict(self)

    def summary(self) -> list[str]:
        """The status as lines of text, for the commands."""
        age = "-" if self.oldest_unsent_age is None else f"{self.oldest_unsent_age:.1f}s"
        return [
            f"outbox of database {self.database!r}",
            f"  unsent: {self.depth}   oldest unsent: {age}   sent: {self.sent}",
            f"  failing: {self.failing}   last error: {self.last_error or '-'}",
        ]


def outbox_status(using: str | None = None) -> OutboxStatus:
    """The outbox of database ``using`` (``EVENT_BUS_OUTBOX_DATABASE``) as it is now."""
    using = using or outbox_database()
    rows = OutboxMessage.objects.using(using)
    unsent = rows.filter(sent_at__isnull=True)
    figures = unsent.aggregate(
        depth=models.Count("id"),
        oldest=models.Min("created_at"),
        failing=models.Count("id", filter=models.Q(attempts__gt=0)),
    )
    failed = unsent.filter(attempts__gt=0).order_by("-id").values_list("last_error", flat=True)
    oldest = figures["oldest"]
    return OutboxStatus(
        database=using,
        depth=int(figures["depth"]),
        oldest_unsent_age=None if oldest is None else (timezone.now() - oldest).total_seconds(),
        failing=int(figures["failing"]),
        last_error=failed.first(),
        sent=rows.filter(sent_at__isnull=False).count(),
    )


@attrs.frozen
class TopicBacklog:
    """The unsent rows of one topic: how many, the oldest one's age (seconds), how many failed."""

    depth: int
    oldest_unsent_age: float
    failing: int


def unsent_by_topic(using: str | None = None) -> dict[str, TopicBacklog]:
    """The unsent rows of database ``using``'s outbox, by topic (topics with none are absent).

    One grouped query over the unsent rows only, which the relay keeps few.
    """
    rows = (
        OutboxMessage.objects.using(using or outbox_database())
        .filter(sent_at__isnull=True)
        .values("topic")
        .annotate(
            depth=models.Count("id"),
            oldest=models.Min("created_at"),
            failing=models.Count("id", filter=models.Q(attempts__gt=0)),
        )
        .order_by()  # no ordering: it would join the grouping
    )
    now = timezone.now()
    return {
        row["topic"]: TopicBacklog(
            depth=int(row["depth"]),
            oldest_unsent_age=max(0.0, (now - row["oldest"]).total_seconds()),
            failing=int(row["failing"]),
        )
        for row in rows
    }
