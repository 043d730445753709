"""Counting a batch of latencies at once fills a histogram as observing each one does."""

from __future__ import annotations

import random
from typing import Any

import prometheus_client
import pytest

from openedx_events._private.observability.metrics import observe_all

BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


def _histogram(registry: prometheus_client.CollectorRegistry, name: str) -> Any:
    return prometheus_client.Histogram(
        name, "latencies", ("topic",), buckets=BUCKETS, registry=registry
    ).labels("t")


def _samples(registry: prometheus_client.CollectorRegistry) -> dict[tuple[str, str], float]:
    return {
        (sample.name.split("_", 1)[1], sample.labels.get("le", "")): sample.value
        for family in registry.collect()
        for sample in family.samples
        if not sample.name.endswith("_created")
    }


@pytest.mark.parametrize("seed", range(5))
def test_a_batch_fills_the_buckets_sum_and_count_as_one_observe_each(seed: int) -> None:
    """Bounds included: a latency equal to a bucket's bound counts in that bucket."""
    chooser = random.Random(seed)
    amounts = [chooser.choice([*BUCKETS, 0.0, 61.0, 1e9]) for _ in range(50)]
    amounts += [chooser.expovariate(4.0) for _ in range(200)]
    one_by_one = prometheus_client.CollectorRegistry()
    batched = prometheus_client.CollectorRegistry()
    each = _histogram(one_by_one, "h_latency")
    for amount in amounts:
        each.observe(amount)
    observe_all(_histogram(batched, "h_latency"), amounts)
    expected = _samples(one_by_one)
    assert expected[("latency_count", "")] == len(amounts)
    assert _samples(batched) == pytest.approx(expected)


def test_a_histogram_of_another_make_gets_one_observe_each() -> None:
    """Without the buckets this relies on, every amount goes through ``observe``."""

    class Recording:
        def __init__(self) -> None:
            self.seen: list[float] = []

        def observe(self, amount: float) -> None:
            self.seen.append(amount)

    recording = Recording()
    observe_all(recording, [0.5, 3.0, 0.001])
    assert recording.seen == [0.5, 3.0, 0.001]
