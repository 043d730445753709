"""The W3C trace context a message carries: read cheaply, and made current for its receivers.

The consume path runs per record, so this is where its cost goes: a plain version-00
``traceparent`` is read without the propagator's machinery (which costs as much as a span),
a sampled-out one is checked but its ids are parsed only if a receiver asks, and a context
is made current by setting the API's context variable directly where that is checked, once,
to behave as ``attach`` and ``detach`` do (bench/RESULTS.md, Observability).
"""

from __future__ import annotations

import contextvars
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

try:
    from opentelemetry import context as otel_context
    from opentelemetry import propagate, trace
    from opentelemetry.context import Context
except ImportError:  # the optional extra is absent: nothing here is called then
    trace = None  # type: ignore[assignment]

__all__ = ["declined", "enter", "extract", "leave", "unsampled_entry"]


def _api_enter(span: Any) -> Any:
    return otel_context.attach(trace.set_span_in_context(span))


def _api_leave(token: Any) -> None:
    otel_context.detach(token)


def _pick_context_switch() -> tuple[Any, Any, Any]:
    """``(enter, leave, direct)``: make a span current (a token back), and undo it.

    Through the API by default. When its runtime context is the default one, kept in a
    context variable, that variable is set and reset directly: the API's layers (a context
    read, a copy, two calls each way) cost as much again as the rest. Checked here, once, to
    read and write exactly as the API does. ``direct`` is ``(variable, key)`` then, else ``None``.
    """
    runtime = getattr(otel_context, "_RUNTIME_CONTEXT", None)
    variable = getattr(runtime, "_current_context", None)
    if type(runtime).__name__ != "ContextVarsRuntimeContext" or not isinstance(
        variable, contextvars.ContextVar
    ):
        return _api_enter, _api_leave, None
    probe = trace.NonRecordingSpan(trace.INVALID_SPAN_CONTEXT)
    keys = list(trace.set_span_in_context(probe, Context()))
    if len(keys) != 1:
        return _api_enter, _api_leave, None
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
    return (enter, leave, (variable, key)) if seen else (_api_enter, _api_leave, None)


#: Make a span current; returns the token for :func:`leave`.
enter: Any = None
#: Undo what :func:`enter` did, with the token it returned.
leave: Any = None
#: The API's context variable and the span's key in a context, when set directly.
_direct: Any = None
if trace is not None:
    enter, leave, _direct = _pick_context_switch()


#: The fields of W3C Trace Context (and Baggage): the default global propagator's.
_W3C_FIELDS = (
    frozenset({"traceparent", "tracestate"}),
    frozenset({"traceparent", "tracestate", "baggage"}),
)
#: A version-00 ``traceparent`` as W3C Trace Context writes it; any other form (another
#: version, surrounding blanks) goes to the propagator, which knows every rule.
_TRACEPARENT = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
#: The same with the ``sampled`` flag (bit 0 of the flags) clear and valid (non-zero) ids:
#: the look-aheads cost less than comparing two slices after the match.
_UNSAMPLED_TRACEPARENT = re.compile(
    r"00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f][02468ace]"
)


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


#: ``(remote span, parent context)`` of a message's headers.
extract = _Extractor()


def declined(headers: Mapping[str, str]) -> None:
    """The shortcut that takes nothing: every record is read in full."""


def _uncounted(_: object) -> int:
    return 0


def unsampled_entry() -> Callable[[Mapping[str, str]], Any]:
    """A consumer's own ``enter_unsampled(headers)``, for one thread; it runs for most records.

    ``enter_unsampled`` makes the context of a lone canonical unsampled ``traceparent`` current
    and returns the token for :func:`leave`; ``None``: not one. Only for a sampler that follows
    the parent, which would drop a span under that context anyway. Anything else (no header,
    sampled, another form, ``tracestate``) is :data:`extract`'s to read. The ids are checked
    but parsed only when asked for: a sampled-out record's receivers rarely ask.

    Where the context variable is set directly and the current context is empty (a consumer's
    loop), the span and context of the record before are reused when nothing else holds them,
    as their reference counts tell: a receiver that kept either (the context, the span, or a
    copy of the thread's context) keeps them unchanged, and the next record gets new ones.
    """
    fullmatch = _UNSAMPLED_TRACEPARENT.fullmatch
    global_textmap = propagate.get_global_textmap
    refcount: Callable[[object], int] = getattr(sys, "getrefcount", _uncounted)
    variable: Any = None
    key: Any = None
    if _direct is not None:
        variable, key = _direct
    kept_span: Any = _UnparsedRemoteSpan("")
    kept_context: Any = Context({key: kept_span})
    # The counts when only this closure holds them, read as it reads them; none to match
    # where Python keeps no counts.
    free_span = free_context = -1
    if refcount is not _uncounted:
        free_span, free_context = refcount(kept_span), refcount(kept_context)

    def enter_unsampled(headers: Mapping[str, str]) -> Any:
        nonlocal kept_span, kept_context
        value = headers.get("traceparent")
        if (
            type(value) is not str
            or "tracestate" in headers
            or "baggage" in headers
            or fullmatch(value) is None
        ):
            return None
        if global_textmap() is not extract._propagator:
            extract._current()
        if not extract._w3c:
            return None
        if variable is None:
            return enter(_UnparsedRemoteSpan(value))
        current = variable.get()  # what enter does, without the call
        if current:
            return variable.set(Context({**current, key: _UnparsedRemoteSpan(value)}))
        if refcount(kept_context) != free_context or refcount(kept_span) != free_span:
            kept_span = _UnparsedRemoteSpan(value)
            kept_context = Context({key: kept_span})
        kept_span._traceparent = value
        kept_span._parsed = None
        return variable.set(kept_context)

    return enter_unsampled
