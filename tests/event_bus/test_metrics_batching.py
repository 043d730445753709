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


def _observed_both_ways(
    amounts: list[float],
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """The histogram's samples after one ``observe`` per amount, and after ``observe_all``."""
    one_by_one = prometheus_client.CollectorRegistry()
    batched = prometheus_client.CollectorRegistry()
    each = _histogram(one_by_one, "h_latency")
    for amount in amounts:
        each.observe(amount)
    observe_all(_histogram(batched, "h_latency"), amounts)
    return _samples(one_by_one), _samples(batched)


@pytest.mark.parametrize("seed", range(5))
def test_a_batch_fills_the_buckets_sum_and_count_as_one_observe_each(seed: int) -> None:
    """Bounds included: a latency equal to a bucket's bound counts in that bucket."""
    chooser = random.Random(seed)
    amounts = [chooser.choice([*BUCKETS, 0.0, 61.0, 1e9]) for _ in range(50)]
    amounts += [chooser.expovariate(4.0) for _ in range(200)]
    expected, batched = _observed_both_ways(amounts)
    assert expected[("latency_count", "")] == len(amounts)
    assert batched == pytest.approx(expected)


def test_a_batch_with_a_nan_fills_the_buckets_as_one_observe_each() -> None:
    """A NaN counts in no bucket and makes the sum NaN, as ``observe`` has it."""
    amounts = [0.002, float("nan"), 0.5, 0.002, 61.0]
    expected, batched = _observed_both_ways(amounts)
    assert expected[("latency_count", "")] == 4
    assert batched == pytest.approx(expected, nan_ok=True)


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


def test_a_consumer_counts_a_batchs_deliveries_and_latencies_at_its_end() -> None:
    """By event type; a record stamped by a clock ahead of the consumer's counts as 0 s."""
    import time  # noqa: PLC0415

    from openedx_events.event_bus._private.observer import ConsumerObserver, Outcome  # noqa: PLC0415
    from openedx_events.event_bus._private.records import Record  # noqa: PLC0415
    from openedx_events.event_bus.memory import MemoryBackend  # noqa: PLC0415

    topic, group = f"batched-{time.time_ns()}", "counting"
    observer = ConsumerObserver(MemoryBackend(), topic, group)
    now = time.time()
    for position, (event_type, appended_at) in enumerate(
        [("a.type", now - 0.02), ("b.type", now + 60.0), ("a.type", now - 0.02)]
    ):
        record = Record(topic, str(position), {"type": event_type}, b"", appended_at=appended_at)
        outcome = Outcome(event_type)
        outcome.ok(1)
        observer.handled(record, outcome)

    def value(name: str, **labels: str) -> float:
        found = prometheus_client.REGISTRY.get_sample_value(
            name, {"topic": topic, "group": group, **labels}
        )
        return 0.0 if found is None else found

    delivered = "openedx_events_delivered_total"
    assert value(delivered, event_type="a.type") == 0.0  # not before the batch's end
    observer.batch_done()
    assert value(delivered, event_type="a.type") == 2.0
    assert value(delivered, event_type="b.type") == 1.0
    latency = "openedx_events_delivery_latency_seconds"
    assert value(f"{latency}_count") == 3.0
    assert value(f"{latency}_bucket", le="0.001") == 1.0  # the one from ahead: 0 s
    assert value(f"{latency}_bucket", le="0.025") == 3.0
    assert 0.04 <= value(f"{latency}_sum") < 1.0


def test_a_batchs_deliveries_are_counted_before_its_commit_shows_them_handled() -> None:
    """A scrape after the commit (the lag at zero) finds every delivery counted."""
    import time  # noqa: PLC0415

    from openedx_events.event_bus import BusConsumer, BusProducer  # noqa: PLC0415
    from openedx_events.event_bus.memory import MemoryBackend  # noqa: PLC0415
    from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED  # noqa: PLC0415
    from openedx_events.samples import sample_event_data  # noqa: PLC0415

    topic, group = f"committed-{time.time_ns()}", "counting"
    labels = {"event_type": COURSE_ENROLLMENT_CREATED.event_type, "topic": topic, "group": group}
    counted_at_commit: list[float | None] = []

    class Backend(MemoryBackend):
        def commit(self, *args: Any, **kwargs: Any) -> Any:
            delivered = "openedx_events_delivered_total"
            counted_at_commit.append(prometheus_client.REGISTRY.get_sample_value(delivered, labels))
            return super().commit(*args, **kwargs)

    backend = Backend()
    producer = BusProducer(backend)
    for number in range(5):
        producer.send(
            signal=COURSE_ENROLLMENT_CREATED,
            topic=topic,
            event_key_field=None,
            event_data=sample_event_data(COURSE_ENROLLMENT_CREATED, number),
            event_metadata=COURSE_ENROLLMENT_CREATED.generate_signal_metadata(),
        )
    BusConsumer(backend, topic=topic, group_id=group, batch_size=3).run(until_idle=True)
    assert counted_at_commit == [3.0, 5.0]
