"""Topic names: the configured prefix, and where an event goes when it cannot be handled."""

from __future__ import annotations

from openedx_events._private.settings import derived_setting, get_setting
from openedx_events.event_bus._private.records import check_topic

__all__ = ["DEAD_LETTER_SUFFIX", "dead_letter_topic", "full_topic"]

DEAD_LETTER_SUFFIX = ".dlq"


def full_topic(topic: str) -> str:
    """``topic`` with ``EVENT_BUS_TOPIC_PREFIX`` in front (``<prefix>-<topic>``) when it is set."""
    check_topic(topic)
    prefix = _prefix()
    return check_topic(f"{prefix}-{topic}" if prefix else topic)


def _topic_prefix() -> object:
    return get_setting("EVENT_BUS_TOPIC_PREFIX")


_prefix = derived_setting(_topic_prefix, ("EVENT_BUS_TOPIC_PREFIX",))


def dead_letter_topic(stored_topic: str) -> str:
    """The topic that keeps the events a consumer of ``stored_topic`` could not handle."""
    return check_topic(stored_topic + DEAD_LETTER_SUFFIX)
