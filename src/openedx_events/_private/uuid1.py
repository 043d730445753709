"""Fast, process-safe version-1 UUIDs for event ids.

The standard library's ``uuid.uuid1()`` asks libuuid for a "safe" id, which locks a clock file on
every call and costs several microseconds: more than all the rest of an in-process dispatch.
RFC 4122 (section 4.5) lets a generator use a random node id instead of a MAC address; we pick a
random node (multicast bit set, as the RFC requires for non-MAC nodes) and a random clock
sequence once per process, and keep the 100 ns timestamp strictly increasing, so ids are unique
within a process and, with 62 random bits per process, across processes. A forked child draws
new random bits, so it never repeats its parent's ids.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
import uuid

__all__ = ["uuid1"]

# 100 ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch.
_GREGORIAN_OFFSET = 0x01B21DD213814000

_lock = threading.Lock()
_last_timestamp = 0
_tail = 0  # variant, clock sequence and node: the low 64 bits, fixed per process


def _reseed() -> None:
    global _tail, _last_timestamp  # noqa: PLW0603  (per-process clock state)
    node = secrets.randbits(48) | (1 << 40)  # multicast bit: "not a MAC address"
    clock_seq = secrets.randbits(14)
    _tail = (0x8000 | clock_seq) << 48 | node  # 0b10 variant in the top bits
    _last_timestamp = 0


_reseed()
os.register_at_fork(after_in_child=_reseed)

_new_uuid = uuid.UUID.__new__
_set = object.__setattr__
_SAFE_UNKNOWN = uuid.SafeUUID.unknown


def uuid1() -> uuid.UUID:
    """Return a new version-1 UUID."""
    global _last_timestamp  # noqa: PLW0603  (per-process clock state)
    with _lock:
        timestamp = time.time_ns() // 100 + _GREGORIAN_OFFSET
        if timestamp <= _last_timestamp:
            timestamp = _last_timestamp + 1
        _last_timestamp = timestamp
    time_low = timestamp & 0xFFFFFFFF
    time_mid = (timestamp >> 32) & 0xFFFF
    time_hi_version = ((timestamp >> 48) & 0x0FFF) | 0x1000
    value = (time_low << 96) | (time_mid << 80) | (time_hi_version << 64) | _tail
    # UUID(int=...) re-validates a value we built ourselves; set the slots directly instead.
    result = _new_uuid(uuid.UUID)
    _set(result, "int", value)
    _set(result, "is_safe", _SAFE_UNKNOWN)
    return result
