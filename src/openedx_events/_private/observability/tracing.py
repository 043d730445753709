"""OpenTelemetry spans named and attributed by the messaging semantic conventions.

``send_event`` makes a ``create`` span, a publish a ``send`` span whose context travels in the
message's ``traceparent`` (and ``tracestate``) header, a claim that returned records a ``receive``
span, and each delivery a ``process`` span that continues the producer's trace (a message
without the header starts a fresh one). Only ``opentelemetry-api`` is used; until the host
process sets a tracer provider (an SDK), nothing here makes spans or touches headers.

The consume path runs per record, so it does little: spans are started with ``start_span`` and
made current by :class:`_Scope` (``start_as_current_span``'s generator layers cost several
microseconds a span), a plain W3C ``traceparent`` is read without the propagator's machinery,
and a record whose trace was sampled out gets no span when the sampler follows its parent.
Such a record, nearly every one under a low sampling ratio, only has its trace context made
current: its ``traceparent`` is checked but its ids are parsed only if a receiver asks, and
the context variable is set directly (bench/RESULTS.md, Observability).
"""

from __future__ import annotations

import contextvars
import functools
import re
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

try:
    from opentelemetry import context as otel_context
    from opentelemetry import propagate, trace
    from opentelemetry.context import Context
    from opentelemetry.trace import ProxyTracerProvider, SpanKind, Status, StatusCode
except ImportError:  # the optional extra is absent: every function below is a no-op
    trace = None  # type: ignore[assignment]

from openedx_events._private.version import VERSION

__all__ = [
    "ProcessSpans",
    "active",
    "carries_context",
    "create_span",
    "fail",
    "inject",
    "leave",
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
        self._token = _enter(self.span)
        return self.span

    def __exit__(self, *exc_info: object) -> None:
        leave(self._token)


def _api_enter(span: Any) -> Any:
    return otel_context.attach(trace.set_span_in_context(span))


def _api_leave(token: Any) -> None:
    otel_context.detach(token)


def _pick_context_switch() -> tuple[Any, Any]:
    """``(enter, leave)``: make a span current (a token back), and undo it.

    Through the API by default. When its runtime context is the default one, kept in a
    context variable, that variable is set and reset directly: the API's layers (a context
    read, a copy, two calls each way) cost as much again as the rest. Checked here, once, to
    read and write exactly as the API does.
    """
    runtime = getattr(otel_context, "_RUNTIME_CONTEXT", None)
    variable = getattr(runtime, "_current_context", None)
    if type(runtime).__name__ != "ContextVarsRuntimeContext" or not isinstance(
        variable, contextvars.ContextVar
    ):
        return _api_enter, _api_leave
    probe = trace.NonRecordingSpan(trace.INVALID_SPAN_CONTEXT)
    keys = list(trace.set_span_in_context(probe, Context()))
    if len(keys) != 1:
        return _api_enter, _api_leave
    (key,) = keys

    def enter(span: Any) -> Any:
        current = variable.get()
        return variable.set(Context({**current, key: span}) if current else Context({key: span}))

    leave = variable.reset
    token = enter(probe)
    try:
        seen = trace.get_current_span() is probe and otel_context.get_current() is variable.get()
    finally:
        leave(token)
    token = _api_enter(probe)
    try:
        seen = seen and variable.get().get(key) is probe
    finally:
        _api_leave(token)
    return (enter, leave) if seen else (_api_enter, _api_leave)


_enter: Any = None
#: Undo what :meth:`ProcessSpans.enter_unsampled` did, with the token it returned.
leave: Any = None
if trace is not None:
    _enter, leave = _pick_context_switch()


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
        remote, context = _extract(parent)
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


#: The fields of W3C Trace Context (and Baggage): the default global propagator's.
_W3C_FIELDS = (
    frozenset({"traceparent", "tracestate"}),
    frozenset({"traceparent", "tracestate", "baggage"}),
)
#: A version-00 ``traceparent`` as W3C Trace Context writes it; any other form (another
#: version, surrounding blanks) goes to the propagator, which knows every rule.
_TRACEPARENT = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
#: The same with the ``sampled`` flag (bit 0 of the flags) clear.
_UNSAMPLED_TRACEPARENT = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f][02468ace]")


class _Extractor:
    """The trace context a message's headers carry, through the global propagator.

    Headers that hold none of the propagator's fields (the reference's messages) give an
    empty context at once: a fresh trace. Under the default W3C propagator, a lone canonical
    ``traceparent`` is read here, as the propagator would read it, at a fraction of its cost
    (its getter, composite and regular expression cost as much as a span).
    """

    def __init__(self) -> None:
        self._propagator: Any = None
        self._fields: frozenset[str] = frozenset()
        self._w3c = False

    def __call__(self, headers: Mapping[str, str]) -> tuple[Any, Any]:
        """``(remote span, parent context)``: the span is ``None`` without a valid context,
        the context ``None`` when it is only that span (made into one when needed)."""
        propagator = self._current()
        if self._w3c and "tracestate" not in headers and "baggage" not in headers:
            value = headers.get("traceparent")
            if value is None:
                return None, None
            remote = _read_traceparent(value)
            if remote is not None:
                return remote, None
        elif self._fields.isdisjoint(headers):
            return None, None
        parent = propagator.extract(headers, context=Context())
        remote = trace.get_current_span(parent)
        return (remote if remote.get_span_context().is_valid else None), parent

    def _current(self) -> Any:
        propagator = propagate.get_global_textmap()
        if propagator is not self._propagator:  # set anew by the host: ask its fields again
            self._fields = frozenset(propagator.fields)
            self._w3c = self._fields in _W3C_FIELDS
            self._propagator = propagator
        return propagator

    def unsampled(self, headers: Mapping[str, str]) -> Any:
        """The remote parent of a lone canonical ``traceparent`` whose sampled flag is clear.

        ``None`` for anything else (no header, sampled, another form, ``tracestate``), which
        :meth:`__call__` reads. The ids are checked here but parsed only when asked for: a
        sampled-out record's receivers rarely ask.
        """
        value = headers.get("traceparent")
        if (
            type(value) is not str
            or "tracestate" in headers
            or "baggage" in headers
            or _UNSAMPLED_TRACEPARENT.fullmatch(value) is None
            or value[3:35] == _ZERO_TRACE_ID
            or value[36:52] == _ZERO_SPAN_ID
        ):
            return None
        if propagate.get_global_textmap() is not self._propagator:
            self._current()
        return _UnparsedRemoteSpan(value) if self._w3c else None


def _read_traceparent(value: object) -> Any:
    """The remote span of a canonical version-00 ``traceparent``; ``None``: ask the propagator."""
    if not isinstance(value, str) or _TRACEPARENT.fullmatch(value) is None:
        return None
    trace_hex, span_hex = value[3:35], value[36:52]
    if trace_hex == _ZERO_TRACE_ID or span_hex == _ZERO_SPAN_ID:
        return None  # invalid: the propagator ignores it (and says nothing either)
    return trace.NonRecordingSpan(
        _remote_span_context(int(trace_hex, 16), int(span_hex, 16), _TRACE_FLAGS[value[53:]])
    )


_ZERO_TRACE_ID = "0" * 32
_ZERO_SPAN_ID = "0" * 16
#: The flags a ``traceparent`` can carry, by their two hex digits: made once, not per record.
_TRACE_FLAGS: dict[str, Any] = {}


def _checked_span_context(trace_id: int, span_id: int, flags: Any) -> Any:
    return trace.SpanContext(trace_id, span_id, is_remote=True, trace_flags=flags)


def _unchecked_span_context(trace_id: int, span_id: int, flags: Any) -> Any:
    # SpanContext's constructor only checks that the ids are in range, which 32 and 16
    # non-zero hex digits are; it costs three times this.
    return tuple.__new__(
        trace.SpanContext, (trace_id, span_id, True, flags, trace.DEFAULT_TRACE_STATE, True)
    )


def _pick_span_context_builder() -> Any:
    """The unchecked builder if it makes exactly what the constructor does, the constructor if not.

    The tuple's layout is the API's own detail: checked here, once, against the installed one.
    """
    probe = (0x0AF7651916CD43DD8448EB211C80319C, 0xB7AD6B7169203331, trace.TraceFlags(1))
    checked, unchecked = _checked_span_context(*probe), _unchecked_span_context(*probe)
    same = (
        type(checked) is type(unchecked)
        and tuple(checked) == tuple(unchecked)
        and (checked.trace_id, checked.span_id, checked.trace_flags)
        == (unchecked.trace_id, unchecked.span_id, unchecked.trace_flags)
        and checked.is_remote is unchecked.is_remote is True
        and checked.is_valid is unchecked.is_valid is True
        and checked.trace_state is unchecked.trace_state
    )
    return _unchecked_span_context if same else _checked_span_context


_remote_span_context: Any = _checked_span_context
if trace is not None:
    _TRACE_FLAGS.update({f"{flags:02x}": trace.TraceFlags(flags) for flags in range(256)})
    _remote_span_context = _pick_span_context_builder()


class _UnparsedRemoteSpan(trace.NonRecordingSpan if trace is not None else object):  # type: ignore[misc]
    """The remote parent of a canonical ``traceparent``, read into a span context when asked."""

    _parsed: Any = None

    def __init__(self, traceparent: str) -> None:
        self._traceparent = traceparent

    @property
    def _context(self) -> Any:  # what NonRecordingSpan's methods read
        parsed = self._parsed
        if parsed is None:
            value = self._traceparent
            parsed = self._parsed = _remote_span_context(
                int(value[3:35], 16), int(value[36:52], 16), _TRACE_FLAGS[value[53:]]
            )
        return parsed

    def get_span_context(self) -> Any:
        return self._context


_extract = _Extractor()


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

    def enter_unsampled(self, headers: Mapping[str, str]) -> Any:
        """Make a sampled-out record's trace context current, without a span; ``None`` if not.

        When the sampler follows the parent and the headers hold a lone canonical
        ``traceparent`` whose trace was sampled out, the sampler would drop the ``process``
        span: none is made, but the trace is made current so that what the receivers do stays
        in it (and unsampled) too. Returns the token for :func:`leave`; ``None``: use
        :meth:`span` (any other record, read in full).
        """
        if not self._parent_decides:
            return None
        remote = _extract.unsampled(headers)
        return None if remote is None else _enter(remote)

    def span(self, headers: Mapping[str, str], position: str) -> _Scope | _Current:
        """The span of delivering one record; its parent is the context its headers carry.

        Its ``with`` block yields the span; :func:`fail` marks it as failed.
        """
        remote, parent = _extract(headers)
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
