"""The outbox table: encoded events waiting for the relay, and the writes that fill it.

A row holds exactly what the bus will carry (topic, key, headers, Avro bytes), encoded when
the event was sent, so what the relay publishes later does not depend on code or data that
may have changed since.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from django.db import connections, models
from django.utils import timezone

from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.records import Message

__all__ = ["OutboxMessage", "outbox_database", "purge_sent", "store"]


class OutboxMessage(models.Model):  # type: ignore[misc]  # Django ships no type hints
    """One encoded event: unsent while ``sent_at`` is empty, in the order of ``id``."""

    topic = models.CharField(max_length=249)
    key = models.TextField(null=True)
    headers = models.JSONField()
    payload = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True)
    #: Failed publishing attempts, and the last failure: what ``outbox_status`` shows.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    #: Where row locks are not available (SQLite), a relay holds rows by a lease.
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    lease_until = models.DateTimeField(null=True)

    class Meta:
        app_label = "openedx_events"
        db_table = "openedx_events_outbox"
        indexes = [  # noqa: RUF012  (Django's own declaration style)
            models.Index(
                fields=["id"],
                name="openedx_events_outbox_unsent",
                condition=models.Q(sent_at__isnull=True),
            ),
            models.Index(fields=["sent_at"], name="openedx_events_outbox_sent"),
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else "unsent"
        return f"outbox row {self.pk} to {self.topic!r} ({state})"

    @property
    def message(self) -> Message:
        """The message this row holds."""
        return Message(headers=self.headers, payload=bytes(self.payload), key=self.key)


def outbox_database() -> str:
    """The database alias of the outbox and of the transactions it follows."""
    return str(get_setting("EVENT_BUS_OUTBOX_DATABASE") or "default")


_COLUMNS = (
    "topic",
    "key",
    "headers",
    "payload",
    "created_at",
    "attempts",
    "last_error",
    "lease_owner",
)


def store(topic: str, messages: Sequence[Message], using: str | None = None) -> None:
    """Add ``messages`` to the outbox, in the caller's transaction when there is one."""
    connection = connections[using or outbox_database()]
    # One plain INSERT: this runs inside every transaction that sends an event, and the ORM's
    # bulk_create spends over a millisecond building the same statement each time.
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(OutboxMessage._meta.db_table)} "
        f"({', '.join(quote(column) for column in _COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (topic, message.key, json.dumps(dict(message.headers)), message.payload, now, 0, "", "")
        for message in messages
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def purge_sent(older_than: timedelta, using: str | None = None) -> int:
    """Delete the rows sent more than ``older_than`` ago; return how many went."""
    cutoff = timezone.now() - older_than
    deleted, _ = (
        OutboxMessage.objects.using(using or outbox_database()).filter(sent_at__lt=cutoff).delete()
    )
    return int(deleted)
