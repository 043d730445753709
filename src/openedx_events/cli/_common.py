"""Helpers shared by the command modules: finding signals and reporting errors."""

from __future__ import annotations

import click

from openedx_events._private.registry import load_all_signals
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.exceptions import UnknownEventTypeError

__all__ = ["all_signals", "resolve_signal"]


def all_signals() -> list[OpenEdxPublicSignal]:
    """Every signal of the catalog, sorted by event type."""
    load_all_signals()
    return sorted(OpenEdxPublicSignal.all_events(), key=lambda signal: signal.event_type)


def resolve_signal(event_type: str, param_hint: str = "EVENT_TYPE") -> OpenEdxPublicSignal:
    """The signal of ``event_type``; a usage error listing close matches when it is unknown.

    A signal name such as ``COURSE_ENROLLMENT_CREATED`` is accepted too.
    """
    load_all_signals()
    try:
        return OpenEdxPublicSignal.get_signal_by_type(event_type)
    except UnknownEventTypeError as error:
        by_name = {s.signal_name: s for s in OpenEdxPublicSignal.all_events() if s.signal_name}
        if event_type in by_name:
            return by_name[event_type]
        raise click.BadParameter(str(error), param_hint=param_hint) from error
