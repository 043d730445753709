"""Stream ids (``<milliseconds>-<sequence>``): the positions of the Redis backend."""

from __future__ import annotations

import re
from datetime import datetime

from openedx_events.event_bus._private.records import Position

__all__ = ["MAX_SEQUENCE", "StreamId", "before", "stream_id", "stream_id_at"]

MAX_SEQUENCE = 2**64 - 1
_ID = re.compile(r"(\d+)(?:-(\d+))?")


class StreamId(str):
    """A stream id as Redis writes it, ordered as Redis orders ids (by time, then sequence).

    It is the plain string everywhere else (equal to it, hashed like it, sent as it).
    """

    __slots__ = ()

    @property
    def parts(self) -> tuple[int, int]:
        """The milliseconds and the sequence number."""
        ms, _, seq = self.partition("-")
        return int(ms), int(seq or 0)

    def __lt__(self, other: object) -> bool:
        return self.parts < stream_id(other).parts  # type: ignore[arg-type]

    def __le__(self, other: object) -> bool:
        return self.parts <= stream_id(other).parts  # type: ignore[arg-type]

    def __gt__(self, other: object) -> bool:
        return self.parts > stream_id(other).parts  # type: ignore[arg-type]

    def __ge__(self, other: object) -> bool:
        return self.parts >= stream_id(other).parts  # type: ignore[arg-type]

    def next(self) -> StreamId:
        """The smallest id after this one."""
        ms, seq = self.parts
        return StreamId(f"{ms + 1}-0" if seq == MAX_SEQUENCE else f"{ms}-{seq + 1}")


def stream_id(position: Position | bytes) -> StreamId:
    """``position`` as a stream id: a stream id's text, or 0 for the start of every stream.

    Raises:
        ValueError: ``position`` is not a stream id.
    """
    if isinstance(position, StreamId):
        return position
    if isinstance(position, bytes):
        position = position.decode("ascii", "replace")
    if isinstance(position, int) and not isinstance(position, bool) and position >= 0:
        return StreamId(f"{position}-0")
    match = _ID.fullmatch(position) if isinstance(position, str) else None
    if match is None:
        raise ValueError(f"{position!r} is not a Redis stream id (<milliseconds>-<sequence>)")
    ms, seq = int(match[1]), int(match[2] or 0)
    if seq > MAX_SEQUENCE:
        raise ValueError(f"{position!r} is not a Redis stream id: its sequence is too large")
    return StreamId(f"{ms}-{seq}")


def before(position: StreamId) -> StreamId:
    """The largest id before ``position`` (``0-0`` for the first), as ``XGROUP SETID`` takes it."""
    ms, seq = position.parts
    if seq:
        return StreamId(f"{ms}-{seq - 1}")
    return StreamId(f"{ms - 1}-{MAX_SEQUENCE}") if ms else StreamId("0-0")


def stream_id_at(when: datetime) -> StreamId:
    """The first id Redis can give at or after ``when``."""
    return StreamId(f"{max(0, int(when.timestamp() * 1000))}-0")
