"""Delivering one decoded event to its receivers, retrying the ones that fail."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import attrs

from openedx_events._private.observability.logfields import describe_error, exc_info, log_fields
from openedx_events._private.receivers import Receiver
from openedx_events.event_bus._private.retry import RetryPolicy
from openedx_events.event_bus._private.wire import DecodedEvent

__all__ = ["Delivery", "deliver"]

log = logging.getLogger("openedx_events.event_bus.consumer")


@attrs.frozen
class Delivery:
    """How delivering one event went.

    ``ok`` when every receiver succeeded; ``interrupted`` when a stop was requested before
    it did (the event is then neither committed nor dead-lettered, so it comes again).
    ``errors`` holds the last error of each receiver that still failed.
    """

    ok: bool
    attempts: int
    errors: tuple[str, ...] = ()
    interrupted: bool = False


_AT_FIRST = Delivery(ok=True, attempts=1)  # most deliveries: one value for all of them


def _name(receiver: Receiver | None) -> str:
    return "send" if receiver is None else getattr(receiver, "__qualname__", repr(receiver))


def _describe(receiver: Receiver | None, error: BaseException) -> str:
    return f"{_name(receiver)}: {type(error).__name__}: {error}"


def _log(what: str, event: DecodedEvent, error: BaseException) -> None:
    text, fields = log_fields(event_id=event.metadata.id, event_type=event.signal.event_type)
    log.error("%s: %s%s", what, describe_error(error), text, extra=fields, exc_info=exc_info(error))


def _first_attempt(event: DecodedEvent) -> list[tuple[Receiver | None, Exception]]:
    try:
        responses = event.signal.send_event_with_custom_metadata(
            event.metadata, send_robust=True, **event.data
        )
    except Exception as error:  # a strict signal raises instead of returning the error
        _log("Sending the event failed", event, error)
        return [(None, error)]
    return [(r, response) for r, response in responses if isinstance(response, Exception)]


def _retry(
    event: DecodedEvent, failed: list[tuple[Receiver | None, Exception]]
) -> list[tuple[Receiver | None, Exception]]:
    if any(receiver is None for receiver, _ in failed):
        return _first_attempt(event)
    still_failing: list[tuple[Receiver | None, Exception]] = []
    for receiver, _ in failed:
        assert receiver is not None  # checked above; the None entry means "the whole send"
        try:
            receiver(
                signal=event.signal,
                sender=None,
                metadata=event.metadata,
                from_event_bus=True,
                **event.data,
            )
        except Exception as error:  # each receiver's failure is kept, logged and retried
            _log(f"Receiver {_name(receiver)} failed again", event, error)
            still_failing.append((receiver, error))
    return still_failing


def deliver(
    event: DecodedEvent,
    policy: RetryPolicy,
    stop: threading.Event,
    *,
    before_attempt: Callable[[], None] | None = None,
    between_attempts: Callable[[], None] | None = None,
) -> Delivery:
    """Send ``event`` to every receiver, then retry only the failed ones, with backoff.

    ``before_attempt`` runs before every attempt (an exception there fails the attempt);
    ``between_attempts`` runs during each wait (the consumer sends a heartbeat there).
    """
    failed: list[tuple[Receiver | None, Exception]] = []
    attempt = 0
    while True:
        attempt += 1
        try:
            if before_attempt is not None:
                before_attempt()
            failed = _first_attempt(event) if attempt == 1 or not failed else _retry(event, failed)
        except Exception as error:  # the pre-event hook failed: the whole attempt did
            _log("The pre-event hook failed", event, error)
            failed = [(None, error)]
        if not failed:
            return _AT_FIRST if attempt == 1 else Delivery(ok=True, attempts=attempt)
        errors = tuple(_describe(receiver, error) for receiver, error in failed)
        if attempt >= policy.max_attempts:
            return Delivery(ok=False, attempts=attempt, errors=errors)
        if between_attempts is not None:
            between_attempts()
        if stop.wait(policy.delay(attempt)):
            return Delivery(ok=False, attempts=attempt, errors=errors, interrupted=True)
