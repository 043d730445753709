"""The workload the bus benchmarks share: every bus-compatible event type, sent in batches.

Batches hold one event type each, taken round robin, with realistic sample data; the same
events go to every backend, so figures of the embedded and the Redis bus compare.
"""

from __future__ import annotations

import time
from typing import Any

from openedx_events.event_bus import BusProducer, encode_event
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

__all__ = ["BATCH", "Event", "bus_signals", "produce", "samples"]

BATCH = 500
Event = tuple[OpenEdxPublicSignal, dict[str, Any]]


def bus_signals(types: set[str] | None = None) -> list[OpenEdxPublicSignal]:
    """The signals whose sample events encode for the bus (only ``types``, when given)."""
    load_all_signals()
    usable = []
    for sig in OpenEdxPublicSignal.all_events():
        if types is not None and sig.event_type not in types:
            continue
        try:
            encode_event(sig, sample_event_data(sig, 0), sig.generate_signal_metadata())
        except Exception:
            continue
        usable.append(sig)
    return usable


def samples(signals: list[OpenEdxPublicSignal], per_signal: int) -> list[list[Event]]:
    """Per signal, ``per_signal`` of its sample events."""
    return [[(sig, sample_event_data(sig, i)) for i in range(per_signal)] for sig in signals]


def produce(producer: BusProducer, topic: str, pools: list[list[Event]], count: int) -> float:
    """Send ``count`` events in batches of one type each; return the seconds spent sending."""
    sent, spent, turn = 0, 0.0, 0
    while sent < count:
        pool = pools[turn % len(pools)]
        turn += 1
        size = min(BATCH, count - sent)
        sig = pool[0][0]
        events = [(pool[i % len(pool)][1], sig.generate_signal_metadata()) for i in range(size)]
        started = time.perf_counter()
        producer.send_batch(signal=sig, topic=topic, event_key_field=None, events=events)
        spent += time.perf_counter() - started
        sent += size
    return spent
