"""Where the bus runtime reports to tracing, metrics and health: one call per thing it did.

The producer and the consumer runtime call these hooks and nothing else of observability, so
either works unchanged, and at the cost of a few attribute reads, when no extra is installed.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any

from openedx_events._private.observability import logfields, metrics, trace_context, tracing
from openedx_events._private.observability.health import Health
from openedx_events._private.observability.server import ObservabilityServer
from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.records import Message, Position, Record

__all__ = ["ConsumerObserver", "Outcome", "observed_append", "serve_observability", "system_of"]


def system_of(backend: Backend) -> str:
    """The ``messaging.system`` of a backend: the scheme of its name (``redis``, ``sqlite``)."""
    return backend.name.partition(":")[0] or type(backend).__name__.lower()


def observed_append(
    backend: Backend,
    topic: str,
    event_type: str | None,
    messages: list[Message],
    append: Callable[[list[Message]], list[Position]],
) -> list[Position]:
    """``append(messages)`` inside a ``send`` span, with the trace context in their headers.

    ``event_type`` ``None``: the messages were encoded earlier (the outbox, ``on_commit``),
    each with its own type and, often, the trace context of the ``send_event`` that made it.
    A lone such message is sent in a span of that trace; of several, each keeps its own.
    """
    instruments = metrics.instruments()
    if instruments is None and not tracing.active():
        return append(messages)
    if event_type is None:
        types = Counter(m.headers.get("type", "") for m in messages)
        kind = next(iter(types)) if len(types) == 1 else ""
    else:
        types, kind = None, event_type
    ids = [m.headers.get("id", "") for m in messages]
    keep_own = types is not None and len(messages) > 1
    parent = messages[0].headers if types is not None and len(messages) == 1 else None
    started = time.perf_counter()
    with tracing.send_span(system_of(backend), topic, kind, ids, parent=parent):
        traced = [
            m if keep_own and tracing.carries_context(m.headers) else with_trace_context(m)
            for m in messages
        ]
        try:
            positions = append(traced)
        except Exception:
            if instruments is not None:
                for each, count in (types or {kind: len(messages)}).items():
                    instruments.child(instruments.publish_failed, each, topic).inc(count)
            raise
    if instruments is not None:
        instruments.child(instruments.publish_seconds, topic).observe(time.perf_counter() - started)
        for each, count in (types or {kind: len(messages)}).items():
            instruments.child(instruments.published, each, topic).inc(count)
    return positions


def with_trace_context(message: Message) -> Message:
    """``message`` with the current trace context in its headers (itself when there is none)."""
    headers = tracing.inject(message.headers)
    if headers is None:
        return message
    return Message(headers=headers, payload=message.payload, key=message.key)


class ConsumerObserver:
    """The traces, metrics and health of one consumer of ``topic`` in ``group``."""

    def __init__(self, backend: Backend, topic: str, group: str) -> None:
        self.system = system_of(backend)
        self.topic = topic
        self.group = group
        self.health = Health()
        self.instruments = metrics.instruments()
        self.spans: tracing.ProcessSpans | None = None
        self.collector: metrics.BusCollector | None = None
        # The children counted for every record delivered at the first attempt, kept here:
        # looking them up again per record costs as much as counting.
        self._delivered: dict[str, Any] = {}
        self._latency: Any = None
        # Those records, counted at the end of their batch (see batch_done): their event types
        # and latencies.
        self._batch_types: list[str] = []
        self._batch_latencies: list[float] = []
        if self.instruments is not None:
            self.collector = metrics.BusCollector(backend, [topic])
            self._latency = self.instruments.child(self.instruments.delivery_seconds, topic, group)

    def started(self) -> None:
        self.health.started()
        if self.collector is not None:
            import prometheus_client  # noqa: PLC0415  (present when there are instruments)

            with contextlib.suppress(ValueError):  # already registered by an earlier run
                prometheus_client.REGISTRY.register(self.collector)

    def stopped(self) -> None:
        self.health.stopped()
        if self.collector is not None:
            import prometheus_client  # noqa: PLC0415

            with contextlib.suppress(KeyError):
                prometheus_client.REGISTRY.unregister(self.collector)

    def claimed(self, records: list[Record] | None, asked: float) -> None:
        """A claim returned ``records`` (``None``: the backend failed), asked at ``asked``."""
        self.health.turned()
        self.health.connected = records is not None
        if records is None:
            if self.instruments is not None:
                self.instruments.child(
                    self.instruments.storage_errors, self.topic, self.group
                ).inc()
            return
        if records and tracing.active():
            ended = time.time_ns()
            started = ended - int((time.monotonic() - asked) * 1e9)
            tracing.receive_span(
                self.system,
                self.topic,
                self.group,
                len(records),
                started_ns=started,
                ended_ns=ended,
            )

    def processing(self, record: Record) -> _Processing:
        """Around the handling of one record; the body reports how it went on the outcome."""
        return _Processing(self, record)

    def handled(self, record: Record, outcome: Outcome) -> None:
        """Count how the handling of ``record`` went."""
        self.health.turned()
        instruments = self.instruments
        if instruments is None:
            return
        if outcome.delivered and outcome.attempts == 1:  # nearly every record
            self._batch_types.append(outcome.event_type)
            self._batch_latencies.append(time.time() - record.appended_at)  # clamped at 0 later
            return
        labels = (outcome.event_type, self.topic, self.group)
        if outcome.attempts > 1:
            instruments.child(instruments.retried, *labels).inc(outcome.attempts - 1)
        failed_attempts = outcome.attempts - (1 if outcome.delivered else 0)
        if failed_attempts > 0:
            instruments.child(instruments.failed, *labels).inc(failed_attempts)
        if outcome.delivered:
            instruments.child(instruments.delivered, *labels).inc()
            self._latency.observe(max(0.0, time.time() - record.appended_at))
        elif outcome.failure is not None:
            instruments.child(instruments.dead_lettered, *labels, outcome.failure[0]).inc()

    def batch_done(self) -> None:
        """Count the first-attempt deliveries :meth:`handled` kept since the last call.

        Called before each commit and at the end of each batch.

        One counter increment per event type and one histogram update a batch: a Prometheus
        update per record cost about as much as the rest of the record's bookkeeping.
        """
        instruments = self.instruments
        if instruments is None or not self._batch_latencies:
            return
        types, latencies = self._batch_types, self._batch_latencies
        self._batch_types, self._batch_latencies = [], []
        if min(latencies) < 0:  # an append stamped by a clock ahead of this one's
            latencies = [max(0.0, latency) for latency in latencies]
        for event_type, count in Counter(types).items():
            delivered = self._delivered.get(event_type)
            if delivered is None:
                delivered = self._delivered[event_type] = instruments.child(
                    instruments.delivered, event_type, self.topic, self.group
                )
            delivered.inc(count)
        metrics.observe_all(self._latency, latencies)


class _Processing:
    """The ``with`` block of :meth:`ConsumerObserver.processing`.

    A class rather than a generator: this runs once per record, and a generator-based
    context manager costs a few microseconds more.
    """

    __slots__ = ("_log_token", "_observer", "_record", "_scope", "_trace_token", "outcome")

    def __init__(self, observer: ConsumerObserver, record: Record) -> None:
        self._observer = observer
        self._record = record
        self.outcome = Outcome(record.headers.get("type", ""))
        self._scope: Any = None
        self._trace_token: Any = None  # a sampled-out record's: its context only, no span
        self._log_token: Any = None

    def __enter__(self) -> Outcome:
        record = self._record
        observer = self._observer
        self._log_token = logfields.enter(record.headers, observer.topic, record.position)
        spans = observer.spans
        if spans is None and tracing.active():  # a provider, set now: it stays for good
            spans = observer.spans = tracing.ProcessSpans(
                observer.system, observer.topic, observer.group
            )
        if spans is not None:
            try:
                self._trace_token = spans.enter_unsampled(record.headers)
                if self._trace_token is None:
                    self._scope = spans.span(record.headers, str(record.position))
                    self._scope.__enter__()
            except BaseException:
                logfields.leave(self._log_token)
                raise
        return self.outcome

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        outcome = self.outcome
        try:
            if self._trace_token is not None:
                trace_context.leave(self._trace_token)
            elif self._scope is not None:
                if error is None and outcome.failure is not None:
                    tracing.fail(self._scope.span, *outcome.failure)
                self._scope.__exit__(kind, error, traceback)
        finally:
            logfields.leave(self._log_token)
        if error is None:
            self._observer.handled(self._record, outcome)


class Outcome:
    """How one record's handling went, filled in by the consumer runtime."""

    __slots__ = ("attempts", "delivered", "event_type", "failure")

    def __init__(self, event_type: str) -> None:
        self.event_type = event_type
        self.attempts = 0
        self.delivered = False
        self.failure: tuple[str, str] | None = None  # (reason, description) when dead-lettered

    def dead_lettered(self, reason: str, attempts: int) -> None:
        # The description names the reason only: an error's text may quote personal data.
        self.attempts = attempts
        self.failure = (reason, f"dead-lettered ({reason}) after {attempts} attempt(s)")

    def ok(self, attempts: int) -> None:
        self.attempts = attempts
        self.delivered = True


def serve_observability(
    port: int, *, consumer: object = None, host: str = "0.0.0.0"
) -> ObservabilityServer:
    """Start serving ``/metrics`` and, for a :class:`BusConsumer`, ``/livez`` and ``/readyz``.

    ``port`` 0 takes any free port (``.port`` says which). Runs in daemon threads until
    ``.close()``.
    """
    observer = getattr(consumer, "observer", None)
    health = observer.health if isinstance(observer, ConsumerObserver) else None
    return ObservabilityServer(port, host=host, health=health).start()
