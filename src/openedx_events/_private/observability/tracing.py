"""OpenTelemetry spans named and attributed by the messaging semantic conventions.

``send_event`` makes a ``create`` span, a publish a ``send`` span whose context travels in the
message's ``traceparent`` (and ``tracestate``) header, a claim that returned records a ``receive``
span, and each delivery a ``process`` span that continues the producer's trace (a message
without the header starts a fresh one). Only ``opentelemetry-api`` is used; until the host
process sets a tracer provider (an SDK), nothing here makes spans or touches headers.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

try:
    from opentelemetry import propagate, trace
    from opentelemetry.trace import ProxyTracerProvider, SpanKind, Status, StatusCode
except ImportError:  # the optional extra is absent: every function below is a no-op
    trace = None  # type: ignore[assignment]

from openedx_events._private.version import VERSION

__all__ = [
    "active",
    "create_span",
    "fail",
    "inject",
    "process_span",
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


def _attributes(
    operation: str, system: str | None, destination: str | None, **extra: Any
) -> dict[str, Any]:
    attributes: dict[str, Any] = {"messaging.operation.type": operation}
    if system is not None:
        attributes["messaging.system"] = system
    if destination is not None:
        attributes["messaging.destination.name"] = destination
    attributes.update((name, value) for name, value in extra.items() if value is not None)
    return {name.replace("__", "."): value for name, value in attributes.items()}


@contextlib.contextmanager
def create_span(event_type: str, event_id: str) -> Iterator[None]:
    """The span of ``send_event``: the event is created, before any bus publishes it."""
    if not active():
        yield
        return
    with _tracer().start_as_current_span(
        f"create {event_type}",
        kind=SpanKind.PRODUCER,
        attributes=_attributes(
            "create",
            None,
            None,
            messaging__operation__name="send_event",
            messaging__message__id=event_id,
            openedx_events__event_type=event_type,
        ),
    ):
        yield


@contextlib.contextmanager
def send_span(system: str, topic: str, event_type: str, event_ids: Sequence[str]) -> Iterator[None]:
    """The span of one publish (of one message or a batch) to ``topic``."""
    if not active():
        yield
        return
    count = len(event_ids)
    with _tracer().start_as_current_span(
        f"send {topic}",
        kind=SpanKind.PRODUCER,
        attributes=_attributes(
            "send",
            system,
            topic,
            messaging__operation__name="append",
            messaging__message__id=event_ids[0] if count == 1 else None,
            messaging__batch__message_count=count if count != 1 else None,
            openedx_events__event_type=event_type,
        ),
    ):
        yield


def inject(headers: Mapping[str, str]) -> dict[str, str] | None:
    """``headers`` with the current trace context added, or ``None`` when there is none."""
    if not active():
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if not carrier:
        return None
    return {**headers, **carrier}


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
        attributes=_attributes(
            "receive",
            system,
            topic,
            messaging__consumer__group__name=group,
            messaging__batch__message_count=count,
        ),
        context=_empty_context(),
    )
    span.end(end_time=ended_ns)


def _empty_context() -> Any:
    from opentelemetry.context import Context  # noqa: PLC0415  (only with the extra)

    return Context()


@contextlib.contextmanager
def process_span(
    system: str,
    topic: str,
    group: str,
    headers: Mapping[str, str],
    position: str,
) -> Iterator[Any]:
    """The span of delivering one record; its parent is the context its headers carry.

    Yields the span (``None`` without tracing); :func:`fail` marks it as failed.
    """
    if not active():
        yield None
        return
    parent = propagate.extract(headers, context=_empty_context())
    with _tracer().start_as_current_span(
        f"process {topic}",
        context=parent,
        kind=SpanKind.CONSUMER,
        attributes=_attributes(
            "process",
            system,
            topic,
            messaging__consumer__group__name=group,
            messaging__message__id=headers.get("id") or None,
            openedx_events__event_type=headers.get("type") or None,
            openedx_events__position=position,
        ),
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        yield span


def fail(span: Any, error_type: str, description: str) -> None:
    """Mark ``span`` (from :func:`process_span`) as failed: ``error.type`` and an error status."""
    if span is None:
        return
    span.set_attribute("error.type", error_type)
    span.set_status(Status(StatusCode.ERROR, description))
