"""Consumers: the abstract interface, and the runtime shared by every backend.

The runtime claims a batch of records for its group, decodes each into an event, delivers it
to the signal's receivers (retrying failures with backoff), dead-letters what cannot be
handled, and commits a position only once everything before it was delivered or
dead-lettered: at least once, never lost.
"""

from __future__ import annotations

import abc
import functools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import attrs

from openedx_events._private.observability.logfields import describe_error, exc_info, log_fields
from openedx_events._private.settings import get_setting
from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.deadletter import Reason, dead_letter_message
from openedx_events.event_bus._private.delivery import deliver
from openedx_events.event_bus._private.dotted import load_dotted
from openedx_events.event_bus._private.errors import (
    ConsumerConfigurationError,
    ConsumerStoppedError,
    EventBusStorageError,
)
from openedx_events.event_bus._private.observer import ConsumerObserver, Outcome
from openedx_events.event_bus._private.records import Position, Record
from openedx_events.event_bus._private.retry import RetryPolicy
from openedx_events.event_bus._private.shutdown import stop_on_signals
from openedx_events.event_bus._private.topics import dead_letter_topic, full_topic
from openedx_events.event_bus._private.wire import DecodedEvent, decode_record
from openedx_events.exceptions import UnknownEventTypeError

__all__ = ["BusConsumer", "ConsumerStats", "EventBusConsumer", "set_default_pre_event_hook"]

log = logging.getLogger("openedx_events.event_bus.consumer")


class EventBusConsumer(abc.ABC):
    """Reads events from the event bus and sends them to the signals' receivers."""

    @abc.abstractmethod
    def consume_indefinitely(self) -> None:
        """Deliver events until stopped (SIGTERM or SIGINT stop it cleanly)."""


@attrs.define
class ConsumerStats:
    """What a consumer did so far."""

    delivered: int = 0
    retries: int = 0
    dead_lettered: int = 0
    skipped: int = 0
    storage_errors: int = 0


def _default_consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class BusConsumer(EventBusConsumer):
    """Consumes one topic for one group of a :class:`Backend`.

    Args:
        backend: where the topic lives.
        topic: the topic, before ``EVENT_BUS_TOPIC_PREFIX`` is applied.
        group_id: the consumer group; its consumers share the topic's events.
        consumer_name: this consumer within the group. A consumer restarted under the same
            name resumes its unfinished batch at once; others wait for the claim timeout.
        retry: how failing receivers are retried before the event is dead-lettered.
        max_consecutive_errors: stop with :class:`ConsumerStoppedError` after this many
            events in a row were dead-lettered (or storage calls failed); ``None``: never.
        pre_event_hook: called before each attempt at an event (Django closes stale
            database connections there); defaults to ``EVENT_BUS_CONSUMER_PRE_EVENT_HOOK``.
        idempotent: skip events whose id the group already processed.
        offset_time: first deliver again every event appended since this time.
        position: first deliver again every event from this position (of the backend's kind).
        batch_size: how many records are claimed at a time.
        poll_interval: the longest wait between two looks at an idle topic, in seconds (a
            backend that can wait on the server for new records waits there instead).
        commit_interval: within a batch, commit at least this often (seconds); a commit is
            also the heartbeat that keeps the batch from passing to another consumer.
        liveness_file: a file whose modification time the consumer renews every second or
            so while it runs (and deletes when it stops), for process managers to watch.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        topic: str,
        group_id: str,
        consumer_name: str | None = None,
        retry: RetryPolicy | None = None,
        max_consecutive_errors: int | None = None,
        pre_event_hook: Callable[[], object] | None = None,
        idempotent: bool = False,
        offset_time: datetime | None = None,
        position: Position | None = None,
        batch_size: int = 100,
        poll_interval: float = 0.1,
        commit_interval: float = 2.0,
        liveness_file: str | os.PathLike[str] | None = None,
    ) -> None:
        if not group_id:
            raise ValueError("a consumer needs a group_id")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if idempotent and not backend.keeps_processed_ids:
            raise ConsumerConfigurationError(
                f"{backend.name} keeps no idempotency guard: idempotent=True cannot be honoured"
            )
        self.backend = backend
        self.topic = topic
        self.stored_topic = full_topic(topic)
        self.group_id = group_id
        self.consumer_name = consumer_name or _default_consumer_name()
        self.retry = retry if retry is not None else _retry_from_settings()
        self.max_consecutive_errors = (
            max_consecutive_errors
            if max_consecutive_errors is not None
            else _int_setting("EVENT_BUS_CONSUMER_CONSECUTIVE_ERRORS_LIMIT")
        )
        self.pre_event_hook = pre_event_hook
        self.idempotent = idempotent
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.commit_interval = commit_interval
        self.liveness_file = Path(liveness_file) if liveness_file is not None else None
        self._alive_at = 0.0
        self.stats = ConsumerStats()
        self._start = (position, offset_time)
        self._stop = threading.Event()
        self._consecutive_errors = 0
        self._gave_up: str | None = None
        self.observer = ConsumerObserver(backend, self.stored_topic, group_id)
        self._broken: EventBusStorageError | None = None

    def __repr__(self) -> str:
        return (
            f"<BusConsumer {self.consumer_name} of group {self.group_id!r} "
            f"on {self.stored_topic!r} ({self.backend.name})>"
        )

    # --- running --------------------------------------------------------------------------

    def consume_indefinitely(self) -> None:
        """Deliver events until SIGTERM/SIGINT or :meth:`stop`; then commit and return.

        Raises:
            ConsumerStoppedError: ``max_consecutive_errors`` events failed in a row.
            EventBusStorageError: the storage failed in a way waiting cannot cure.
        """
        with stop_on_signals(self._stop):
            self.run()

    def stop(self) -> None:
        """Ask the consumer to finish its current event, commit and return (thread-safe)."""
        self._stop.set()

    def run(self, *, max_events: int | None = None, until_idle: bool = False) -> ConsumerStats:
        """Deliver events; return once stopped, after ``max_events``, or when idle if asked.

        ``until_idle`` returns as soon as the group has nothing left to claim. Storage failures
        that can pass (a lock, a full disk) are retried; a permanent one (a damaged, unreadable
        or read-only file) stops the consumer with :class:`EventBusStorageError`.
        """
        self._seek_once()
        hook = self.pre_event_hook or _hook_from_settings()
        handled = 0
        idle_wait = 0.002
        log.info("%r started", self)
        self.observer.started()
        try:
            while not self._stop.is_set():
                self._show_alive()
                if max_events is not None and handled >= max_events:
                    break
                limit = self.batch_size
                if max_events is not None:
                    limit = min(limit, max_events - handled)
                wait = 0.0 if until_idle else idle_wait
                asked = time.monotonic()
                records = self._storage(functools.partial(self._claim, limit, wait))
                self.observer.claimed(records, asked)
                if records is None:
                    continue
                if not records:
                    if until_idle:
                        break
                    # Sleep what the backend did not wait, then look less often.
                    self._stop.wait(max(0.0, idle_wait - (time.monotonic() - asked)))
                    idle_wait = min(self.poll_interval, idle_wait * 2)
                    continue
                idle_wait = 0.002
                handled += self._handle_batch(records, hook)
        finally:
            self.observer.stopped()
            self._storage(
                lambda: self.backend.release(self.stored_topic, self.group_id, self.consumer_name),
                count=False,
            )
            if self.liveness_file is not None:
                self.liveness_file.unlink(missing_ok=True)
            log.info("%r stopped: %s", self, self.stats)
        if self._broken is not None:
            raise self._broken
        if self._gave_up is not None:
            raise ConsumerStoppedError(self._gave_up)
        return self.stats

    def _show_alive(self) -> None:
        now = time.monotonic()
        if self.liveness_file is None or now - self._alive_at < 1.0:
            return
        self._alive_at = now
        try:
            self.liveness_file.touch()
        except OSError as error:  # a watchdog's file must not stop the consumer
            log.warning("%r cannot renew its liveness file: %s", self, error)

    def _claim(self, limit: int, wait: float) -> list[Record]:
        return self.backend.claim(
            self.stored_topic, self.group_id, self.consumer_name, limit=limit, wait=wait
        )

    def _seek_once(self) -> None:
        position, offset_time = self._start
        self._start = (None, None)
        if offset_time is not None:
            log.info("%r replays from %s", self, offset_time.isoformat())
            self.backend.seek_to_time(self.stored_topic, self.group_id, offset_time)
        elif position is not None:
            log.info("%r replays from position %s", self, position)
            self.backend.seek(self.stored_topic, self.group_id, position)

    def _handle_batch(self, records: list[Record], hook: Callable[[], object] | None) -> int:
        try:
            return self._handle_records(records, hook)
        finally:
            self.observer.batch_done()

    def _handle_records(self, records: list[Record], hook: Callable[[], object] | None) -> int:
        seen: set[str] = set()
        if self.idempotent:
            ids = [r.headers.get("id", "") for r in records if r.headers.get("id")]
            # When the guard cannot be read, deliver anyway: a duplicate, never a loss.
            seen = (
                self._storage(
                    lambda: self.backend.processed(self.stored_topic, self.group_id, ids),
                    count=False,
                )
                or set()
            )
        done: list[Record] = []
        processed: list[str] = []
        handled = 0
        last_commit = time.monotonic()
        for record in records:
            if self._stop.is_set():
                break
            with self.observer.processing(record) as outcome:
                kept = self._handle(record, hook, seen, processed, outcome)
            if not kept:
                break  # interrupted by a stop: this record stays unhandled
            done.append(record)
            handled += 1
            # Slow receivers: commit (which is also a heartbeat) every few seconds, so the
            # group neither redelivers much after a crash nor hands the batch to another.
            if time.monotonic() - last_commit >= self.commit_interval:
                if not self._commit(done, processed):
                    return handled
                done, processed, last_commit = [], [], time.monotonic()
        if done:
            self._commit(done, processed)
        return handled

    def _commit(self, done: list[Record], processed: list[str]) -> bool:
        # Counted first: once committed, the records are handled as far as the lag tells, and
        # a scrape in between would see them neither waiting nor delivered.
        self.observer.batch_done()
        kept = self._storage(
            lambda: self.backend.commit(
                self.stored_topic,
                self.group_id,
                self.consumer_name,
                done,
                processed_ids=processed,
            )
        )
        if kept is False:
            log.warning(
                "%r lost its claim on position %s: another consumer delivers the rest",
                self,
                done[-1].position,
            )
        return bool(kept)

    def _handle(
        self,
        record: Record,
        hook: Callable[[], object] | None,
        seen: set[str],
        processed: list[str],
        outcome: Outcome,
    ) -> bool:
        """Deliver or dead-letter one record; ``False`` when a stop interrupted it."""
        event_id = record.headers.get("id", "")
        if event_id and event_id in seen:
            self.stats.skipped += 1
            return True
        try:
            event = decode_record(record)
        except UnknownEventTypeError as error:
            return self._dead_letter(record, Reason.UNKNOWN_EVENT_TYPE, str(error), 1, outcome)
        except Exception as error:  # any decoding failure dead-letters this record only
            text, fields = log_fields()
            log.error(
                "The record does not decode: %s%s",
                describe_error(error),
                text,
                extra=fields,
                exc_info=exc_info(error),
            )
            return self._dead_letter(
                record, Reason.UNDECODABLE, f"{type(error).__name__}: {error}", 1, outcome
            )
        delivery = deliver(
            event,
            self.retry,
            self._stop,
            before_attempt=(lambda: _run_hook(hook)) if hook is not None else None,
            between_attempts=self._heartbeat,
        )
        self.stats.retries += delivery.attempts - 1
        if delivery.interrupted:
            return False
        if not delivery.ok:
            return self._dead_letter(
                record,
                Reason.RECEIVER_FAILED,
                "\n".join(delivery.errors),
                delivery.attempts,
                outcome,
            )
        outcome.ok(delivery.attempts)
        self._delivered(event, processed)
        return True

    def _delivered(self, event: DecodedEvent, processed: list[str]) -> None:
        self.stats.delivered += 1
        self._consecutive_errors = 0
        if self.idempotent:
            processed.append(str(event.metadata.id))

    def _dead_letter(
        self, record: Record, reason: str, error: str, attempts: int, outcome: Outcome
    ) -> bool:
        message = dead_letter_message(
            record,
            group=self.group_id,
            consumer=self.consumer_name,
            reason=reason,
            error=error,
            attempts=attempts,
        )
        dlq = dead_letter_topic(self.stored_topic)
        while self._storage(lambda: self.backend.append(dlq, [message])) is None:
            if self._stop.is_set():
                return False  # not kept anywhere yet: leave it uncommitted
        # The error's text stays in the dead-letter topic: it may quote the event's data.
        text, fields = log_fields()
        log.error(
            "Dead-lettered to %r after %d attempt(s) (%s)%s",
            dlq,
            attempts,
            reason,
            text,
            extra=fields,
        )
        self.stats.dead_lettered += 1
        outcome.dead_lettered(reason, attempts)
        self._failed(error)
        return True

    def _failed(self, error: str) -> None:
        # Giving up stops the loop like a signal would, so what was handled is committed first.
        self._consecutive_errors += 1
        limit = self.max_consecutive_errors
        if limit is not None and self._consecutive_errors >= limit and self._gave_up is None:
            self._gave_up = (
                f"{self!r} stopped after {self._consecutive_errors} consecutive errors; "
                f"the last one: {error}"
            )
            self._stop.set()

    def _heartbeat(self) -> None:
        self._storage(
            lambda: self.backend.heartbeat(self.stored_topic, self.group_id, self.consumer_name),
            count=False,
        )

    def _storage(self, call: Callable[[], Any], *, count: bool = True) -> Any:
        """Run a backend call; on a storage error log it, back off and return ``None``.

        A permanent error stops the loop instead: retrying it would only repeat it.
        """
        try:
            return call()
        except EventBusStorageError as error:
            self.stats.storage_errors += 1
            if error.permanent:
                if self._broken is None:
                    log.error("%r stops: %s", self, error)
                    self._broken = error
                self._stop.set()
                return None
            log.error("%r: %s", self, error)
            if count:
                self._failed(str(error))
            self._stop.wait(min(self.poll_interval * 10, 1.0))
            return None


def _run_hook(hook: Callable[[], object]) -> None:
    hook()


def _int_setting(name: str) -> int | None:
    value = get_setting(name)
    return None if value in (None, "") else int(value)


def _retry_from_settings() -> RetryPolicy:
    attempts = _int_setting("EVENT_BUS_CONSUMER_MAX_ATTEMPTS")
    delay = get_setting("EVENT_BUS_CONSUMER_RETRY_DELAY")
    return RetryPolicy(
        max_attempts=attempts if attempts is not None else 3,
        initial_delay=float(delay) if delay not in (None, "") else 0.5,
    )


_default_hook: list[Callable[[], object]] = []


def set_default_pre_event_hook(hook: Callable[[], object] | None) -> None:
    """The hook used when ``EVENT_BUS_CONSUMER_PRE_EVENT_HOOK`` is unset (Django sets one)."""
    _default_hook[:] = [] if hook is None else [hook]


def _hook_from_settings() -> Callable[[], object] | None:
    path = get_setting("EVENT_BUS_CONSUMER_PRE_EVENT_HOOK")
    if not path:
        return _default_hook[0] if _default_hook else None
    setting = "EVENT_BUS_CONSUMER_PRE_EVENT_HOOK"
    hook = load_dotted(path, setting, ConsumerConfigurationError)
    if not callable(hook):
        raise ConsumerConfigurationError(f"{setting}={path!r} is not callable")
    return cast(Callable[[], object], hook)
