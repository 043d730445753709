"""The values a backend stores and returns: messages, records, and topic and group summaries."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

__all__ = ["GroupInfo", "Message", "Record", "TopicInfo", "check_topic"]

_MAX_TOPIC_LENGTH = 249  # Kafka's limit, so a topic that works here works on every backend


def check_topic(topic: str, *, what: str = "topic") -> str:
    """Return ``topic`` if it can name a topic; any printable text up to 249 characters can.

    ``what`` names the thing in the error (consumer groups follow the same rule).

    Raises:
        ValueError: the name is empty, too long, or holds control characters.
    """
    if not isinstance(topic, str) or not topic:
        raise ValueError(f"a {what} name must be a non-empty string, got {topic!r}")
    if len(topic) > _MAX_TOPIC_LENGTH:
        raise ValueError(f"{what} name {topic[:40]!r}... is longer than {_MAX_TOPIC_LENGTH}")
    if any(ord(char) < 32 or ord(char) == 127 for char in topic):
        raise ValueError(f"{what} name {topic!r} holds control characters")
    return topic


def _frozen_headers(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Message:
    """One event as the bus carries it: string headers, the Avro payload, an optional key."""

    headers: Mapping[str, str] = attrs.field(converter=_frozen_headers)
    payload: bytes
    key: str | None = None


@attrs.frozen
class Record:
    """A message stored in a topic, at ``position``, appended at ``appended_at`` (Unix time).

    Positions grow with every append to a topic but need not be consecutive. ``defect`` is
    ``None`` for a sound record; otherwise it says why the stored row could not be read back
    whole (the consumer dead-letters such records instead of failing on them).
    """

    topic: str
    position: int
    headers: Mapping[str, str] = attrs.field(converter=_frozen_headers)
    payload: bytes
    key: str | None = None
    appended_at: float = 0.0
    defect: str | None = None

    @property
    def message(self) -> Message:
        """The message this record holds."""
        return Message(headers=self.headers, payload=self.payload, key=self.key)

    def to_json_data(self) -> dict[str, Any]:
        """The record as JSON-compatible data (the payload as hex)."""
        return {
            "topic": self.topic,
            "position": self.position,
            "key": self.key,
            "headers": dict(self.headers),
            "payload": self.payload.hex(),
            "appended_at": self.appended_at,
            "defect": self.defect,
        }


@attrs.frozen
class TopicInfo:
    """A topic: how many records it holds, and the last position it gave (0 before any)."""

    name: str
    length: int
    last_position: int


@attrs.frozen
class GroupInfo:
    """A consumer group on a topic.

    ``committed`` is the position up to which every record was handled; ``lag`` counts the
    records after it; ``pending`` counts records handed to consumers and not yet committed.
    """

    topic: str
    group: str
    committed: int
    lag: int
    pending: int
    consumers: tuple[str, ...]
