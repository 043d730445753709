"""Lua scripts that act on one consumer's pending entries in one round trip, atomically.

``XACK`` and ``XCLAIM`` do not ask who holds an entry; these scripts first read the consumer's
own pending entries (``XPENDING ... <consumer>``) and act only on those, so an entry taken over
by another consumer is neither acknowledged nor kept alive by the one that lost it.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["ACK_OWNED", "TOUCH_OWNED", "evalsha", "script_missing"]

# KEYS[1] stream; ARGV[1] group, ARGV[2] consumer, ARGV[3..] the ids to acknowledge, in order.
# Returns how many of them the consumer held (and so acknowledged).
ACK_OWNED = """
local first, last = ARGV[3], ARGV[#ARGV]
local wanted = {}
for i = 3, #ARGV do wanted[ARGV[i]] = true end
local held = redis.call('XPENDING', KEYS[1], ARGV[1], first, last, #ARGV - 2, ARGV[2])
local ids = {}
for _, entry in ipairs(held) do
    if wanted[entry[1]] then ids[#ids + 1] = entry[1] end
end
if #ids == 0 then return 0 end
return redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
"""

# KEYS[1] stream; ARGV[1] group, ARGV[2] consumer, ARGV[3] the idle time to give them (ms).
# Sets the idle time of every entry the consumer holds: 0 keeps them (a heartbeat), a huge one
# hands them to the next consumer that claims (a release). Returns how many it holds.
TOUCH_OWNED = """
local touched, start = 0, '-'
while true do
    local held = redis.call('XPENDING', KEYS[1], ARGV[1], start, '+', 1000, ARGV[2])
    if #held == 0 then return touched end
    local call = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0}
    for _, entry in ipairs(held) do call[#call + 1] = entry[1] end
    local last = call[#call]
    for _, word in ipairs({'IDLE', ARGV[3], 'JUSTID'}) do call[#call + 1] = word end
    redis.call(unpack(call))
    touched = touched + #held
    if #held < 1000 then return touched end
    start = '(' .. last
end
"""


def evalsha(script: str, keys: tuple[Any, ...], args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The ``EVALSHA`` command that runs ``script`` (Redis answers NOSCRIPT until it knows it)."""
    return ("EVALSHA", _SHA1S[script], len(keys), *keys, *args)


def script_missing(reply: Any) -> bool:
    """Whether ``reply`` is Redis saying it does not know the script (it did not run)."""
    from redis.exceptions import NoScriptError  # noqa: PLC0415  (optional dependency)

    return isinstance(reply, NoScriptError)


_SHA1S = {text: hashlib.sha1(text.encode()).hexdigest() for text in (ACK_OWNED, TOUCH_OWNED)}
