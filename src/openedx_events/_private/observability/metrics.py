"""Prometheus metrics of the bus: what was sent, published, delivered, retried, dead-lettered.

Counters and histograms live in ``prometheus_client``'s default registry, so a service that
already serves ``/metrics`` shows them; :class:`BusCollector` adds, at each scrape, the lag and
dead-letter depth the backend reports. Without ``prometheus-client``, or with the setting
``EVENT_BUS_METRICS`` false, every function here does nothing.
"""

from __future__ import annotations

import bisect
import functools
import logging
import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from openedx_events._private.settings import get_setting

if TYPE_CHECKING:
    from openedx_events.event_bus._private.backend import Backend

try:
    import prometheus_client
    from prometheus_client.core import GaugeMetricFamily
    from prometheus_client.registry import Collector
except ImportError:  # the optional extra is absent
    prometheus_client = None  # type: ignore[assignment]
    Collector = object  # type: ignore[assignment,misc]

__all__ = ["BusCollector", "active", "instruments", "observe_all"]

log = logging.getLogger("openedx_events.event_bus.metrics")

_LATENCY_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Instruments:
    """The counters and histograms, made once per process in the default registry."""

    def __init__(self) -> None:
        assert prometheus_client is not None  # only made when the library is installed
        counter, histogram = prometheus_client.Counter, prometheus_client.Histogram
        by_topic = ("event_type", "topic")
        by_group = ("event_type", "topic", "group")
        self.sent = counter(
            "openedx_events_sent", "Events sent with send_event, by event type", ("event_type",)
        )
        self.published = counter("openedx_events_published", "Events stored by the bus", by_topic)
        self.publish_failed = counter(
            "openedx_events_publish_failed",
            "Events the bus refused (raised to the sender or spooled)",
            by_topic,
        )
        self.publish_seconds = histogram(
            "openedx_events_publish_duration_seconds",
            "Time to store a publish (one event or a batch) on the bus",
            ("topic",),
            buckets=_LATENCY_BUCKETS,
        )
        self.delivered = counter(
            "openedx_events_delivered", "Events delivered to every receiver", by_group
        )
        self.retried = counter(
            "openedx_events_retried", "Further attempts at delivering events", by_group
        )
        self.dead_lettered = counter(
            "openedx_events_dead_lettered",
            "Events moved to the dead-letter topic, by reason",
            (*by_group, "reason"),
        )
        self.failed = counter(
            "openedx_events_delivery_failed",
            "Delivery attempts that failed (each is retried or dead-lettered)",
            by_group,
        )
        self.storage_errors = counter(
            "openedx_events_consumer_storage_errors",
            "Backend calls of a consumer that failed",
            ("topic", "group"),
        )
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}
        self.delivery_seconds = histogram(
            "openedx_events_delivery_latency_seconds",
            "Time from an event's append to the bus until its receivers all succeeded",
            ("topic", "group"),
            buckets=_LATENCY_BUCKETS,
        )

    def child(self, metric: Any, *labels: str) -> Any:
        """``metric.labels(*labels)``, kept: looking a child up again costs a lock and a tuple."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found


def observe_all(histogram: Any, amounts: list[float]) -> None:
    """``histogram.observe(amount)`` for each of ``amounts``, counted into the buckets at once.

    A consumer observes one latency an event; one ``observe`` each costs more than the rest of
    the event's bookkeeping. Buckets are filled as ``observe`` fills them (an amount counts in
    the first bucket whose bound is at least the amount); a histogram without the buckets and
    sum this relies on, or amounts that are not all numbers, get one ``observe`` per amount.
    """
    bounds = getattr(histogram, "_upper_bounds", None)
    buckets = getattr(histogram, "_buckets", None)
    total = getattr(histogram, "_sum", None)
    amounts_sum = sum(amounts)
    if (
        bounds is None
        or buckets is None
        or total is None
        or len(bounds) != len(buckets)
        or math.isnan(amounts_sum)  # a NaN among them: sorting cannot place it
    ):
        for amount in amounts:
            histogram.observe(amount)
        return
    # Sorted once (in C), each bucket's count is the step between two bisections: a Python
    # loop over the amounts cost five times as much.
    ordered = sorted(amounts)
    counted, count = 0, len(ordered)
    for index, bound in enumerate(bounds):
        up_to = bisect.bisect_right(ordered, bound, counted)
        if up_to > counted:
            buckets[index].inc(up_to - counted)
            counted = up_to
            if counted == count:
                break
    total.inc(amounts_sum)


def active() -> bool:
    """Whether metrics are kept: the library is installed and ``EVENT_BUS_METRICS`` is not off."""
    return _enabled()


@functools.cache
def _enabled() -> bool:
    setting = get_setting("EVENT_BUS_METRICS", True)
    return prometheus_client is not None and setting not in (False, "false", "0", "")


@functools.cache
def instruments() -> Instruments | None:
    """The process's instruments, or ``None`` when metrics are off."""
    return Instruments() if _enabled() else None


class BusCollector(Collector):
    """Lag and dead-letter depth, read from ``backend`` at each scrape.

    ``topics`` lists the (stored) topics to report; ``None``: every topic the backend has.
    A backend that cannot be read makes the scrape report nothing for it, not fail.
    """

    def __init__(self, backend: Backend, topics: Iterable[str] | None = None) -> None:
        self.backend = backend
        self.topics = None if topics is None else tuple(topics)

    def describe(self) -> list[Any]:
        return []  # computed at each scrape: nothing to check at registration

    def collect(self) -> Iterator[Any]:
        from openedx_events.event_bus._private.errors import (  # noqa: PLC0415  (core stays light)
            EventBusStorageError,
        )
        from openedx_events.event_bus._private.topics import (  # noqa: PLC0415
            DEAD_LETTER_SUFFIX,
        )

        lag = GaugeMetricFamily(
            "openedx_events_consumer_lag",
            "Records a group has not handled yet",
            labels=("topic", "group"),
        )
        pending = GaugeMetricFamily(
            "openedx_events_consumer_pending",
            "Records handed to a group's consumers and not committed yet",
            labels=("topic", "group"),
        )
        depth = GaugeMetricFamily(
            "openedx_events_dead_letter_depth",
            "Records in a topic's dead-letter topic",
            labels=("topic",),
        )
        try:
            known = {info.name: info.length for info in self.backend.topics()}
            topics = self.topics if self.topics is not None else tuple(known)
            for topic in topics:
                if topic.endswith(DEAD_LETTER_SUFFIX):
                    continue
                for group in self.backend.groups(topic):
                    lag.add_metric((topic, group.group), group.lag)
                    pending.add_metric((topic, group.group), group.pending)
                depth.add_metric((topic,), known.get(topic + DEAD_LETTER_SUFFIX, 0))
        except EventBusStorageError as error:
            log.warning("Metrics: cannot read the groups of %s: %s", self.backend.name, error)
            return
        yield lag
        yield pending
        yield depth
