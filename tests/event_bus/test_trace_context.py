"""A message's trace context: the fast reading of W3C headers agrees with the propagator."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("opentelemetry", reason="tracing is an optional extra")

from opentelemetry import propagate, trace
from opentelemetry.context import Context

from openedx_events._private.observability import trace_context

LOWER_HEX = "0123456789abcdef"


def _ours(headers: dict[str, str]) -> Any:
    remote, parent = trace_context.extract(headers)
    if remote is None:
        assert parent is None or not trace.get_current_span(parent).get_span_context().is_valid
        return None
    return remote.get_span_context()


def _shortcut(headers: dict[str, str]) -> Any:
    """The span the unsampled shortcut makes current for ``headers``; ``None``: it declined."""
    token = trace_context.unsampled_entry()(headers)
    if token is None:
        return None
    try:
        return trace.get_current_span()
    finally:
        trace_context.leave(token)


def _propagators(headers: dict[str, str]) -> Any:
    found = trace.get_current_span(propagate.extract(headers, context=Context()))
    context = found.get_span_context()
    return context if context.is_valid else None


def _exact(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=LOWER_HEX, min_size=length, max_size=length)


def _hex(length: int) -> st.SearchStrategy[str]:
    return st.one_of(
        _exact(length),
        st.just("0" * length),
        st.text(alphabet=LOWER_HEX + "ABCDEF-_ +g", min_size=length - 1, max_size=length + 1),
    )


#: Half canonical version-00 values (the fast way), half anything near one (mostly not).
traceparents = st.one_of(
    st.builds("00-{}-{}-{}".format, _exact(32), _exact(16), _exact(2)),
    st.builds(
        "{}-{}-{}-{}{}".format,
        st.sampled_from(["00", "01", "cc", "ff", "0G"]),
        _hex(32),
        _hex(16),
        _hex(2),
        st.sampled_from(["", "-extra", " ", "\t"]),
    ),
)


@given(traceparents, st.booleans())
def test_a_traceparent_is_read_as_the_propagator_reads_it(value: str, with_state: bool) -> None:
    headers = {"id": "an-event", "traceparent": value}
    if with_state:
        headers["tracestate"] = "vendor=value"
    ours, theirs = _ours(headers), _propagators(headers)
    assert (ours is None) == (theirs is None), value
    if ours is not None:
        assert (ours.trace_id, ours.span_id, ours.trace_flags, ours.is_remote) == (
            theirs.trace_id,
            theirs.span_id,
            theirs.trace_flags,
            theirs.is_remote,
        )
        assert dict(ours.trace_state) == dict(theirs.trace_state)


def test_a_canonical_traceparent_takes_the_fast_way_and_other_forms_the_propagators() -> None:
    canonical = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    read = trace_context._read_traceparent(canonical)
    assert read is not None
    assert read.get_span_context().trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    for other in (canonical.upper(), f" {canonical}", canonical.replace("00-", "01-", 1)):
        assert trace_context._read_traceparent(other) is None


def test_headers_without_a_trace_context_give_a_fresh_trace() -> None:
    assert trace_context.extract({"id": "an-event", "type": "a.type"}) == (None, None)


@given(traceparents, st.sampled_from([None, "tracestate", "baggage"]))
def test_the_unsampled_shortcut_agrees_with_the_propagator(value: str, extra: str | None) -> None:
    headers = {"id": "an-event", "traceparent": value}
    if extra is not None:
        headers[extra] = "vendor=value"
    theirs = _propagators(headers)
    shortcut = _shortcut(headers)
    if shortcut is None:
        # Declined: anything but a lone, canonical, valid, unsampled traceparent.
        canonical = trace_context._TRACEPARENT.fullmatch(value) is not None
        assert extra is not None or not canonical or theirs is None or theirs.trace_flags.sampled
        return
    assert extra is None
    assert theirs is not None
    assert not theirs.trace_flags.sampled
    ours = shortcut.get_span_context()
    assert ours == theirs  # every field, the trace state and validity too
    assert not shortcut.is_recording()
    assert repr(ours) in repr(shortcut)


@pytest.mark.parametrize(
    "value",
    [
        "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-00",  # upper case
        " 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
        "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",  # another version
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-extra",
        "00-00000000000000000000000000000000-b7ad6b7169203331-00",  # invalid trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-00",  # invalid span id
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  # sampled
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0",
        "",
    ],
)
def test_odd_or_sampled_traceparents_are_left_to_the_full_reading(value: str) -> None:
    headers = {"traceparent": value}
    assert _shortcut(headers) is None
    ours, theirs = _ours(headers), _propagators(headers)
    assert ours == theirs


def test_span_contexts_are_made_without_the_constructors_checks_only_when_identical() -> None:
    # With the installed API the unchecked way is taken, and makes what the constructor makes.
    assert trace_context._remote_span_context is trace_context._unchecked_span_context
    flags = trace.TraceFlags(0)
    made = trace_context._remote_span_context(2**128 - 1, 2**64 - 1, flags)
    assert made == trace.SpanContext(2**128 - 1, 2**64 - 1, is_remote=True, trace_flags=flags)
    assert made.is_valid
    assert made.is_remote


@pytest.mark.parametrize("switch", ["picked", "api"])
def test_a_sampled_out_records_context_is_made_current_as_the_api_would(
    switch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opentelemetry import context as otel_context  # noqa: PLC0415
    from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
    from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased  # noqa: PLC0415

    # The switch picked at import (the API's context variable set directly, where the API's
    # runtime context allows it) and the API's own calls, its fallback, must behave alike.
    if switch == "api":
        monkeypatch.setattr(trace_context, "_direct", None)
        monkeypatch.setattr(trace_context, "enter", trace_context._api_enter)
        monkeypatch.setattr(trace_context, "leave", trace_context._api_leave)
    # "picked" is whichever switch the installed API allowed (the direct one on recent ones).
    enter_unsampled = trace_context.unsampled_entry()
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
    tracer = TracerProvider(sampler=ParentBased(ALWAYS_ON)).get_tracer("receiver")
    outer = otel_context.set_value("outer", "kept")
    outer_token = otel_context.attach(outer)
    try:
        token = enter_unsampled({"traceparent": traceparent})
        assert token is not None
        try:
            remote = trace.get_current_span()
            assert remote.get_span_context() == trace.SpanContext(
                0x0AF7651916CD43DD8448EB211C80319C,
                0xB7AD6B7169203331,
                is_remote=True,
                trace_flags=trace.TraceFlags(0),
            )
            assert otel_context.get_value("outer") == "kept"  # the current context, extended
            child = tracer.start_span("receiver's own")
            context = child.get_span_context()
            assert context.trace_id == 0x0AF7651916CD43DD8448EB211C80319C
            assert not context.trace_flags.sampled  # the parent decided
            assert not child.is_recording()
            # A span made current inside it (a receiver's, through the same switch) nests.
            inner = trace_context.enter(child)
            assert trace.get_current_span() is child
            trace_context.leave(inner)
            assert trace.get_current_span() is remote
        finally:
            trace_context.leave(token)
        assert otel_context.get_current() is outer
    finally:
        otel_context.detach(outer_token)


def _unsampled(number: int) -> dict[str, str]:
    return {"traceparent": f"00-{number:032x}-{number:016x}-00"}


def _trace_id(span: Any) -> int:
    return int(span.get_span_context().trace_id)


def test_each_record_in_turn_gets_its_own_trace() -> None:
    enter_unsampled = trace_context.unsampled_entry()
    for number in (1, 2, 3, 2):
        token = enter_unsampled(_unsampled(number))
        try:
            assert _trace_id(trace.get_current_span()) == number
        finally:
            trace_context.leave(token)
    assert not trace.get_current_span().get_span_context().is_valid


def _keep_context() -> Any:
    from opentelemetry import context as otel_context  # noqa: PLC0415

    kept = otel_context.get_current()
    return lambda: trace.get_current_span(kept)


def _keep_span() -> Any:
    kept = trace.get_current_span()
    return lambda: kept


def _keep_thread_context() -> Any:
    import contextvars  # noqa: PLC0415

    kept = contextvars.copy_context()
    return lambda: kept.run(trace.get_current_span)


def _keep_the_attached_token() -> Any:
    from opentelemetry import context as otel_context  # noqa: PLC0415

    kept = otel_context.attach(otel_context.set_value("receiver", "its own"))
    # Its context holds the span; the record's end undoes it without the receiver's detach.
    return lambda: trace.get_current_span(kept.old_value)


@pytest.mark.parametrize(
    "keep", [_keep_context, _keep_span, _keep_thread_context, _keep_the_attached_token]
)
def test_what_a_receiver_keeps_of_a_record_stays_that_records(keep: Any) -> None:
    # The shortcut reuses a record's objects for the next one only when nothing holds them.
    enter_unsampled = trace_context.unsampled_entry()
    token = enter_unsampled(_unsampled(1))
    kept = keep()
    trace_context.leave(token)
    for number in (2, 3):
        token = enter_unsampled(_unsampled(number))
        assert _trace_id(trace.get_current_span()) == number
        trace_context.leave(token)
    assert _trace_id(kept()) == 1
    assert kept().get_span_context().is_remote
