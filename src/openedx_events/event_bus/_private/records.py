"""The values a backend stores and returns: messages, records, and topic and group summaries."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

__all__ = [
    "GroupInfo",
    "Message",
    "PartitionInfo",
    "Position",
    "Record",
    "TopicInfo",
    "check_topic",
    "int_position",
    "message_of",
    "record_of",
]

#: A record's place in its topic, as its backend gives it: an ``int`` (SQLite, memory), a stream
#: id such as ``"1700000000000-0"`` (Redis), a ``(partition, offset)`` pair (Kafka). Positions of
#: one topic sort in the order its backend hands records out; ``str(position)`` is how they are
#: shown, and :meth:`Backend.parse_position` reads that text back.
Position = int | str | tuple[int, int]

_MAX_TOPIC_LENGTH = 249  # Kafka's limit, so a topic that works here works on every backend
_MAX_CHECKED_TOPICS = 4096
_checked_topics: set[str] = set()  # the rule does not change: a name checked once is good


def check_topic(topic: str, *, what: str = "topic") -> str:
    """Return ``topic`` if it can name a topic; any printable text up to 249 characters can.

    ``what`` names the thing in the error (consumer groups follow the same rule).

    Raises:
        ValueError: the name is empty, too long, or holds control characters.
    """
    if type(topic) is str and topic in _checked_topics:  # every send checks: keep it cheap
        return topic
    if not isinstance(topic, str) or not topic:
        raise ValueError(f"a {what} name must be a non-empty string, got {topic!r}")
    if len(topic) > _MAX_TOPIC_LENGTH:
        raise ValueError(f"{what} name {topic[:40]!r}... is longer than {_MAX_TOPIC_LENGTH}")
    if any(ord(char) < 32 or ord(char) == 127 for char in topic):
        raise ValueError(f"{what} name {topic!r} holds control characters")
    if len(_checked_topics) >= _MAX_CHECKED_TOPICS:  # names from a stream stay bounded
        _checked_topics.clear()
    _checked_topics.add(topic)
    return topic


def int_position(position: Position | None) -> int:
    """A position of a backend whose positions are ints; ``None`` (the start) is 0.

    Raises:
        TypeError: ``position`` is another backend's kind of position.
    """
    if position is None:
        return 0
    if isinstance(position, int) and not isinstance(position, bool):
        return position
    raise TypeError(f"this backend's positions are ints, not {position!r}")


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

    Positions are opaque to everyone but the backend (see :data:`Position`). ``defect`` is
    ``None`` for a sound record; otherwise it says why the stored row could not be read back
    whole (the consumer dead-letters such records instead of failing on them).
    """

    topic: str
    position: Position
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
            "position": self.position if isinstance(self.position, int) else str(self.position),
            "key": self.key,
            "headers": dict(self.headers),
            "payload": self.payload.hex(),
            "appended_at": self.appended_at,
            "defect": self.defect,
        }


_new = object.__new__
(_set_topic, _set_position, _set_headers, _set_payload, _set_key, _set_appended_at,
 _set_defect) = (Record.__dict__[field.name].__set__ for field in attrs.fields(Record))  # fmt: skip


def record_of(
    topic: str,
    position: Position,
    headers: dict[str, str],
    payload: bytes,
    *,
    key: str | None = None,
    appended_at: float = 0.0,
    defect: str | None = None,
) -> Record:
    """``Record(...)`` for a backend that made ``headers`` for this record alone.

    The headers dict is wrapped read-only instead of copied: a backend builds thousands of
    records a second, and the copy is a large part of each. Nobody may keep ``headers``.
    """
    record = _new(Record)
    _set_topic(record, topic)
    _set_position(record, position)
    _set_headers(record, MappingProxyType(headers))
    _set_payload(record, payload)
    _set_key(record, key)
    _set_appended_at(record, appended_at)
    _set_defect(record, defect)
    return record


(_set_message_headers, _set_message_payload, _set_message_key) = (
    Message.__dict__[field.name].__set__ for field in attrs.fields(Message)
)


def message_of(headers: dict[str, str], payload: bytes, key: str | None) -> Message:
    """``Message(...)`` of ``headers`` made for this message alone (see :func:`record_of`)."""
    message = _new(Message)
    _set_message_headers(message, MappingProxyType(headers))
    _set_message_payload(message, payload)
    _set_message_key(message, key)
    return message


@attrs.frozen
class TopicInfo:
    """A topic: how many records it holds, and the last position it gave (``None`` before any)."""

    name: str
    length: int
    last_position: Position | None
    #: How many partitions the topic is split into (``None``: a backend without partitions).
    partitions: int | None = None


@attrs.frozen
class PartitionInfo:
    """A group on one partition: the next offset it will read (``None``: none committed)."""

    partition: int
    committed: int | None
    lag: int


@attrs.frozen
class GroupInfo:
    """A consumer group on a topic.

    ``committed`` is the position up to which every record was handled (``None`` when no
    record was); ``lag`` counts the records the group has not handled yet, handed out or not
    (a backend that only tracks a committed prefix counts every record after it); ``pending``
    counts those handed to ``consumers`` and not yet committed.
    """

    topic: str
    group: str
    committed: Position | None
    lag: int
    pending: int
    consumers: tuple[str, ...]
    #: Per partition, on a backend with partitions (Kafka); empty elsewhere.
    partitions: tuple[PartitionInfo, ...] = ()
