"""OpenTelemetry spans named and attributed by the messaging semantic conventions.

``send_event`` makes a ``create`` span, a publish a ``send`` span whose context travels in the
message's ``traceparent`` (and ``tracestate``) header, a claim that returned records a ``receive``
span, and each delivery a ``process`` span that continues the producer's trace (a message
without the header starts a fresh one). Only ``opentelemetry-api`` is used; until the host
process sets a tracer provider (an SDK), nothing here makes spans or touches headers.

The consume path runs per record, so it does little: spans are started with ``start_span`` and
made current by :class:`_Scope` (``start_as_current_span``'s generator layers cost several
microseconds a span), and a record whose trace was sampled out gets no span when the sampler
follows its parent, only its trace context made current (reading and switching contexts
cheaply is :mod:`.trace_context`'s part).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

try:
    from opentelemetry import context as otel_context
    from opentelemetry import propagate, trace
    from opentelemetry.context import Context
    from opentelemetry.trace import ProxyTracerProvider, SpanKind, Status, StatusCode
except ImportError:  # the optional extra is absent: every function below is a no-op
    trace = None  # type: ignore[assignment]

from openedx_events._private.observability.trace_context import (
    declined,
    enter,
    extract,
    leave,
    unsampled_entry,
)
from openedx_events._private.version import VERSION

__all__ = [
    "ProcessSpans",
    "active",
    "carries_context",
    "create_span",
    "fail",
    "inject",
    "receive_span",
    "send_span",
]

_NO_OP_PROVIDERS: tuple[type, ...] = ()
if trace is not None:
    _NO_OP_PROVIDERS = (ProxyTracerProvider, trace.NoOpTracerProvider)


class _Activity:
    """Whether a tracer provider was set; looked up at most once a second until one is.

    Looking the provider up reads the environment (some microseconds, on every event); once
    set, OpenTelemetry never lets it change, so a positive answer is kept for good.
    """

    def __init__(self) -> None:
        self.known = False
        self.next_look = 0.0

    def __call__(self) -> bool:
        if self.known:
            return True
        if trace is None:
            return False
        now = time.monotonic()
        if now < self.next_look:
            return False
        self.known = not isinstance(trace.get_tracer_provider(), _NO_OP_PROVIDERS)
        self.next_look = now + 1.0
        return self.known


#: Whether spans are recorded: the API is installed and a tracer provider was set (a provider
#: set after the first event is noticed within a second).
active = _Activity()


@functools.cache
def _tracer() -> Any:
    # Only called once a provider is set, which OpenTelemetry never lets change: keep it.
    return trace.get_tracer("openedx_events", VERSION)


class _Scope:
    """``span`` made the current span until the ``with`` block ends, then ended.

    With ``record_errors``, an exception leaving the block is recorded on the span and sets
    its status, as ``start_as_current_span`` does by default.
    """

    __slots__ = ("_record_errors", "_token", "span")

    def __init__(self, span: Any, *, record_errors: bool) -> None:
        self.span = span
        self._record_errors = record_errors
        self._token: Any = None

    def __enter__(self) -> Any:
        self._token = otel_context.attach(trace.set_span_in_context(self.span))
        return self.span

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        otel_context.detach(self._token)
        span = self.span
        if error is not None and self._record_errors and span.is_recording():
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
        span.end()


class _Current:
    """``span`` (a remote parent, never recorded) made the current span for a ``with`` block."""

    __slots__ = ("_token", "span")

    def __init__(self, span: Any) -> None:
        self.span = span
        self._token: Any = None

    def __enter__(self) -> Any:
        self._token = enter(self.span)
        return self.span

    def __exit__(self, *exc_info: object) -> None:
        leave(self._token)


class _NoScope:
    """What the span functions return without tracing: a ``with`` block that does nothing."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


_NO_SCOPE = _NoScope()


def create_span(event_type: str, event_id: str) -> _Scope | _NoScope:
    """The span of ``send_event``: the event is created, before any bus publishes it."""
    if not active():
        return _NO_SCOPE
    span = _tracer().start_span(
        f"create {event_type}",
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.operation.type": "create",
            "messaging.operation.name": "send_event",
            "messaging.message.id": event_id,
            "openedx_events.event_type": event_type,
        },
    )
    return _Scope(span, record_errors=True)


def send_span(
    system: str,
    topic: str,
    event_type: str,
    event_ids: Sequence[str],
    *,
    parent: Mapping[str, str] | None = None,
) -> _Scope | _NoScope:
    """The span of one publish (of one message or a batch) to ``topic``.

    ``parent``: the headers of a message encoded earlier, whose trace the span continues
    (the current context otherwise).
    """
    if not active():
        return _NO_SCOPE
    attributes: dict[str, Any] = {
        "messaging.operation.type": "send",
        "messaging.operation.name": "append",
        "messaging.system": system,
        "messaging.destination.name": topic,
    }
    if len(event_ids) == 1:
        attributes["messaging.message.id"] = event_ids[0]
    else:
        attributes["messaging.batch.message_count"] = len(event_ids)
    if event_type:
        attributes["openedx_events.event_type"] = event_type
    context = None
    if parent is not None:
        remote, context = extract(parent)
        if context is None and remote is not None:
            context = trace.set_span_in_context(remote, Context())
    span = _tracer().start_span(
        f"send {topic}", context=context, kind=SpanKind.PRODUCER, attributes=attributes
    )
    return _Scope(span, record_errors=True)


def carries_context(headers: Mapping[str, str]) -> bool:
    """Whether ``headers`` hold a field of the global propagator (a trace context)."""
    if not active():
        return False
    return not frozenset(propagate.get_global_textmap().fields).isdisjoint(headers)


def inject(headers: Mapping[str, str]) -> dict[str, str] | None:
    """``headers`` with the current trace context added, or ``None`` when there is none."""
    if not active():
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if not carrier:
        return None
    return {**headers, **carrier}


@functools.cache
def _parent_decides() -> bool:
    """Whether the tracer provider's sampler drops every span whose remote parent was unsampled.

    Read from the sampler's description, where the SDK's ``ParentBased`` (its default sampler)
    names its delegates. Only called once a provider is set, which never changes.
    """
    sampler = getattr(trace.get_tracer_provider(), "sampler", None)
    describe = getattr(sampler, "get_description", None)
    text = describe() if callable(describe) else None
    return (
        isinstance(text, str)
        and text.startswith("ParentBased{")
        and "remoteParentNotSampled:AlwaysOffSampler" in text
    )


class ProcessSpans:
    """The ``process`` spans of one consumer of ``topic`` in ``group``.

    The attributes shared by every record are built once; each span copies them and adds the
    record's id, type and position.
    """

    def __init__(self, system: str, topic: str, group: str) -> None:
        self.name = f"process {topic}"
        self.shared: dict[str, Any] = {
            "messaging.operation.type": "process",
            "messaging.system": system,
            "messaging.destination.name": topic,
            "messaging.consumer.group.name": group,
        }
        # Made once a provider is set, which never changes.
        self._parent_decides = _parent_decides()
        #: Make a sampled-out record's trace context current, without a span; returns the
        #: token for :func:`leave`, or ``None``: use :meth:`span` (any other record, read in
        #: full). When the sampler follows the parent and the headers hold a lone canonical
        #: ``traceparent`` whose trace was sampled out, the sampler would drop the ``process``
        #: span: none is made, but the trace is made current so that what the receivers do
        #: stays in it (and unsampled) too. Picked here: it runs once per record, and in the
        #: consumer's one thread, which lets it reuse its objects.
        self.enter_unsampled: Callable[[Mapping[str, str]], Any] = (
            unsampled_entry() if self._parent_decides else declined
        )

    def span(self, headers: Mapping[str, str], position: str) -> _Scope | _Current:
        """The span of delivering one record; its parent is the context its headers carry.

        Its ``with`` block yields the span; :func:`fail` marks it as failed.
        """
        remote, parent = extract(headers)
        if (
            remote is not None
            and not remote.get_span_context().trace_flags.sampled
            and self._parent_decides
        ):
            # The sampler would drop the span: skip making it, but keep the trace current so
            # what the receivers do stays in it (and unsampled) too.
            return _Current(remote)
        if parent is None:
            parent = Context() if remote is None else trace.set_span_in_context(remote, Context())
        attributes = self.shared.copy()
        event_id = headers.get("id")
        if event_id:
            attributes["messaging.message.id"] = event_id
        event_type = headers.get("type")
        if event_type:
            attributes["openedx_events.event_type"] = event_type
        attributes["openedx_events.position"] = position
        span = _tracer().start_span(
            self.name, context=parent, kind=SpanKind.CONSUMER, attributes=attributes
        )
        return _Scope(span, record_errors=False)


def receive_span(
    system: str, topic: str, group: str, count: int, *, started_ns: int, ended_ns: int
) -> None:
    """Record a claim that returned ``count`` records, after the fact (empty claims are not)."""
    if not active():
        return
    span = _tracer().start_span(
        f"receive {topic}",
        kind=SpanKind.CONSUMER,
        start_time=started_ns,
        attributes={
            "messaging.operation.type": "receive",
            "messaging.system": system,
            "messaging.destination.name": topic,
            "messaging.consumer.group.name": group,
            "messaging.batch.message_count": count,
        },
        context=Context(),
    )
    span.end(end_time=ended_ns)


def fail(span: Any, error_type: str, description: str) -> None:
    """Mark ``span`` (from :class:`ProcessSpans`) as failed: ``error.type`` and an error status."""
    if span is None or not span.is_recording():
        return
    span.set_attribute("error.type", error_type)
    span.set_status(Status(StatusCode.ERROR, description))
