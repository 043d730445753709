"""A message's trace context: the fast reading of W3C headers agrees with the propagator."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("opentelemetry", reason="tracing is an optional extra")

from opentelemetry import propagate, trace
from opentelemetry.context import Context

from openedx_events._private.observability import tracing

LOWER_HEX = "0123456789abcdef"


def _ours(headers: dict[str, str]) -> Any:
    remote, parent = tracing._extract(headers)
    if remote is None:
        assert parent is None or not trace.get_current_span(parent).get_span_context().is_valid
        return None
    return remote.get_span_context()


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
    read = tracing._read_traceparent(canonical)
    assert read is not None
    assert read.get_span_context().trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    for other in (canonical.upper(), f" {canonical}", canonical.replace("00-", "01-", 1)):
        assert tracing._read_traceparent(other) is None


def test_headers_without_a_trace_context_give_a_fresh_trace() -> None:
    assert tracing._extract({"id": "an-event", "type": "a.type"}) == (None, None)
