"""Fast, process-safe version-1 UUIDs for event ids.

The standard library's ``uuid.uuid1()`` asks libuuid for a "safe" id, which locks a clock file on
every call and costs several microseconds: more than all the rest of an in-process dispatch.
RFC 4122 (section 4.5) lets a generator use a random node id instead of a MAC address; we pick a
random node (multicast bit set, as the RFC requires for non-MAC nodes) and a random clock
sequence once per process, and keep the 100 ns timestamp strictly increasing, so ids are unique
within a process and, with 61 random bits per process, across processes. A forked child draws
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
    global _tail, _last_timestamp, _epoch  # noqa: PLW0603  (per-process clock state)
    node = secrets.randbits(48) | (1 << 40)  # multicast bit: "not a MAC address"
    clock_seq = secrets.randbits(14)
    _tail = (0x8000 | clock_seq) << 48 | node  # 0b10 variant in the top bits
    _last_timestamp = 0
    _epoch = -1


_reseed()
os.register_at_fork(after_in_child=_reseed)

_new_uuid = object.__new__
_UUID = uuid.UUID
# UUID(int=...) re-validates a value built here; the slot setters skip that (and the frozen
# __setattr__), which is most of the cost of a fresh UUID.
_set_int = _UUID.__dict__["int"].__set__
_set_is_safe = _UUID.__dict__["is_safe"].__set__
_SAFE_UNKNOWN = uuid.SafeUUID.unknown
_time_ns = time.time_ns


def _rest_of(epoch: int) -> int:
    # Everything but time_low: time_mid, version 1 and time_hi, then variant, clock seq, node.
    time_mid_hi = (epoch & 0xFFFF) << 16 | (epoch >> 16) & 0x0FFF | 0x1000
    return time_mid_hi << 64 | _tail


_epoch = -1  # the timestamp's bits above the low 32, which change every seven minutes
_rest = 0


def uuid1() -> uuid.UUID:
    """Return a new version-1 UUID."""
    global _last_timestamp, _epoch, _rest  # noqa: PLW0603  (per-process clock state)
    with _lock:
        timestamp = _time_ns() // 100 + _GREGORIAN_OFFSET
        if timestamp <= _last_timestamp:
            timestamp = _last_timestamp + 1
        _last_timestamp = timestamp
        if timestamp >> 32 != _epoch:
            _epoch = timestamp >> 32
            _rest = _rest_of(_epoch)
        rest = _rest
    result = _new_uuid(_UUID)
    _set_int(result, (timestamp & 0xFFFFFFFF) << 96 | rest)
    _set_is_safe(result, _SAFE_UNKNOWN)
    return result
