"""The outbox relay: publishes stored rows through the configured producer, oldest first.

A batch is the oldest unsent rows nobody else holds. On PostgreSQL (and any database with
``SELECT ... FOR UPDATE SKIP LOCKED``) the relay holds them by row locks for the transaction
that publishes them; a relay that dies lets them go at once. On SQLite it holds them by a
lease, which another relay may take over once it expired. Rows are marked sent only after
the producer returned (the broker acknowledged), so a relay killed mid-batch loses nothing:
the batch is published again, at least once. While publishing fails, the relay keeps the
rows, records the error on them, and tries again with a growing delay; it never skips a row,
so rows reach the bus in the order they were stored.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from operator import attrgetter
from typing import Any

import attrs
from django.db import DatabaseError, connections, models, transaction
from django.utils import timezone

from openedx_events.django.outbox import OutboxMessage, outbox_database
from openedx_events.event_bus._private.loading import configured_producer
from openedx_events.event_bus._private.shutdown import stop_on_signals
from openedx_events.exceptions import OpenEdxEventException, ProducerConfigurationError

__all__ = ["OutboxRelay", "OutboxRelayError", "RelayStats"]

log = logging.getLogger("openedx_events.outbox")


class OutboxRelayError(OpenEdxEventException):
    """The relay could not publish the outbox's rows, or reach its database."""


@attrs.define
class RelayStats:
    """What a relay did so far."""

    published: int = 0
    batches: int = 0
    errors: int = 0
    last_error: str | None = None


@attrs.frozen
class _Failure:
    rows: list[OutboxMessage]
    error: Exception

    def describe(self) -> str:
        first = self.rows[0]
        return (
            f"publishing outbox row {first.pk} ({first.headers.get('type', '?')}) to "
            f"{first.topic!r} failed: {type(self.error).__name__}: {self.error}"
        )


class OutboxRelay:
    """Publishes the outbox of database ``using`` (``EVENT_BUS_OUTBOX_DATABASE``).

    Args:
        batch_size: rows published per batch (and per database transaction).
        lease: on databases without row locks, how long a batch is held (seconds).
        poll_interval: the wait between two looks at an empty outbox (seconds).
        max_backoff: the longest wait between two attempts while publishing fails.
        name: this relay in leases and logs (host and process id by default).
    """

    def __init__(
        self,
        *,
        using: str | None = None,
        batch_size: int = 100,
        lease: float = 30.0,
        poll_interval: float = 0.5,
        max_backoff: float = 30.0,
        name: str | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.using = using or outbox_database()
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease)
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.name = (name or f"{socket.gethostname()}-{os.getpid()}")[:40]
        self.stats = RelayStats()
        self._stop = threading.Event()

    def __repr__(self) -> str:
        return f"<OutboxRelay {self.name} on database {self.using!r}>"

    def stop(self) -> None:
        """Finish the current batch, then return from :meth:`run` (thread-safe)."""
        self._stop.set()

    def run(self, *, once: bool = False) -> RelayStats:
        """Relay until stopped (SIGTERM/SIGINT finish the batch first) or, ``once``, until empty.

        Raises:
            OutboxRelayError: with ``once``, the first failure; the rows stay unsent.
        """
        delay = 0.0
        with stop_on_signals(self._stop):
            while not self._stop.is_set():
                try:
                    published = self.relay_batch()
                except OutboxRelayError as error:
                    self.stats.errors += 1
                    self.stats.last_error = str(error)
                    log.error("%r: %s", self, error)
                    if once:
                        raise
                    delay = min(self.max_backoff, delay * 2 or 0.5)
                    self._stop.wait(delay)
                    continue
                delay = 0.0
                if published == 0:
                    if once:
                        break
                    self._stop.wait(self.poll_interval)
        return self.stats

    def relay_batch(self) -> int:
        """Publish one batch; return how many rows were published.

        Raises:
            OutboxRelayError: publishing or the database failed. The rows published before
                the failure are marked sent; the rest stay unsent, with the error recorded.
        """
        try:
            if connections[self.using].features.has_select_for_update_skip_locked:
                published, failure = self._relay_locked()
            else:
                published, failure = self._relay_leased()
        except DatabaseError as error:
            connections[self.using].close_if_unusable_or_obsolete()
            raise OutboxRelayError(f"the outbox database failed: {error}") from error
        self.stats.published += published
        self.stats.batches += 1 if published or failure else 0
        if failure is not None:
            raise OutboxRelayError(failure.describe()) from failure.error
        return published

    # --- the two ways of holding a batch ------------------------------------------------

    def _unsent(self) -> Any:
        return OutboxMessage.objects.using(self.using).filter(sent_at__isnull=True).order_by("id")

    def _relay_locked(self) -> tuple[int, _Failure | None]:
        with transaction.atomic(using=self.using):
            rows = list(self._unsent().select_for_update(skip_locked=True)[: self.batch_size])
            sent, failure = self._publish(rows)
            self._mark(sent, failure)
        return len(sent), failure

    def _relay_leased(self) -> tuple[int, _Failure | None]:
        now = timezone.now()
        token = f"{self.name}:{uuid.uuid4().hex[:16]}"
        free = self._unsent().filter(
            models.Q(lease_until__isnull=True) | models.Q(lease_until__lt=now)
        )
        with self._writing():
            OutboxMessage.objects.using(self.using).filter(
                id__in=models.Subquery(free.values("id")[: self.batch_size])
            ).update(lease_owner=token, lease_until=now + self.lease)
        rows = list(self._unsent().filter(lease_owner=token))
        # Publishing holds no lock: the service's own writes go on meanwhile.
        sent, failure = self._publish(rows)
        with self._writing():
            self._mark(sent, failure)
            self._unsent().filter(lease_owner=token).update(lease_owner="", lease_until=None)
        return len(sent), failure

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A transaction that holds SQLite's write lock from its start.

        SQLite answers "database is locked" at once, without waiting, to a connection that
        read and then wants to write while another writes; taking the lock first makes
        concurrent relays wait for each other instead (Django's atomic() begins deferred).
        """
        connection = connections[self.using]
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            with transaction.atomic(using=self.using):
                yield
            return
        with connection.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
            raise
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")

    # --- publishing ---------------------------------------------------------------------

    def _publish(self, rows: list[OutboxMessage]) -> tuple[list[int], _Failure | None]:
        """Publish ``rows`` in order; the ids published, and the failure that stopped it."""
        if not rows:
            return [], None
        producer = configured_producer()
        send_encoded = getattr(producer, "send_encoded", None)
        if not callable(send_encoded):
            raise ProducerConfigurationError(
                "",
                f"the outbox relay needs a producer that takes encoded messages, not {producer!r}",
            )
        sent: list[int] = []
        # Consecutive rows of one topic go in one write: fewer round trips, the same order.
        for topic, group in itertools.groupby(rows, key=attrgetter("topic")):
            run = list(group)
            try:
                send_encoded(topic, [row.message for row in run])
            except Exception as error:  # any failure keeps the rows for the next attempt
                return sent, _Failure(run, error)
            sent.extend(row.pk for row in run)
        return sent, None

    def _mark(self, sent: list[int], failure: _Failure | None) -> None:
        objects = OutboxMessage.objects.using(self.using)
        if sent:
            objects.filter(id__in=sent).update(
                sent_at=timezone.now(), lease_owner="", lease_until=None
            )
        if failure is not None:
            objects.filter(id__in=[row.pk for row in failure.rows]).update(
                attempts=models.F("attempts") + 1, last_error=failure.describe()[:2000]
            )
