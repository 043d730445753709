"""Stream entries no consumer can deliver, of every kind a real stream may hold.

Each is written with a raw ``XADD``, as a buggy or hostile producer would, so nothing in our
producer can stop it from reaching the stream.
"""

from __future__ import annotations

import random

from openedx_events.event_bus import encode_event
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data

__all__ = ["HUGE_SIZE", "KINDS", "poison_entry", "poison_kinds"]

#: What is wrong with an entry; ``huge`` carries a sound event followed by megabytes of bytes.
KINDS = (
    "missing_type",
    "missing_id",
    "missing_time",
    "missing_event_data",
    "garbage_avro",
    "unknown_type",
    "huge",
)
HUGE_SIZE = 1 << 20
# A huge entry costs a megabyte in the stream and another in the dead-letter stream.
_HUGE_EVERY = 20


def poison_kinds(count: int) -> list[str]:
    """The kinds of ``count`` poison entries: one huge entry in 20, the rest in turn."""
    others = [kind for kind in KINDS if kind != "huge"]
    return ["huge" if i % _HUGE_EVERY == 0 else others[i % len(others)] for i in range(count)]


def poison_entry(kind: str, index: int) -> dict[str, bytes]:
    """The fields of one stream entry of ``kind`` (the ``index``-th one, for variety)."""
    message = encode_event(
        SIGNAL, sample_event_data(SIGNAL, index), SIGNAL.generate_signal_metadata()
    )
    fields = {name: value.encode() for name, value in message.headers.items()}
    fields["event_data"] = message.payload
    rng = random.Random(index)
    if kind.startswith("missing_"):
        del fields[kind.removeprefix("missing_")]
    elif kind == "garbage_avro":
        # 0xff bytes never end an Avro varint, so no schema can read them.
        fields["event_data"] = b"\xff" * 8 + rng.randbytes(56)
    elif kind == "unknown_type":
        fields["type"] = b"org.openedx.poison.unknown.v1"
    elif kind == "huge":
        fields["event_data"] = message.payload + rng.randbytes(HUGE_SIZE)
    else:
        raise ValueError(f"no poison of kind {kind!r}")
    return fields
