"""Prometheus gauges of the outbox, read from its table at each scrape.

:class:`OutboxCollector` reports, per topic, the unsent rows (``openedx_events_outbox_depth``),
the age of the oldest of them (``openedx_events_outbox_oldest_unsent_age_seconds``) and those
the relay failed to publish (``openedx_events_outbox_failing``). A topic with no unsent row
reports 0 when ``EVENT_BUS_PRODUCER_CONFIG`` routes events to it or this process saw rows of
it, rather than vanishing from the series. The
relay serves them with ``--metrics-port``; the view ``openedx_events.metrics_view`` adds them
to the bus's.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from openedx_events._private.observability.server import ObservabilityServer
from openedx_events._private.settings import get_setting
from openedx_events.django.outbox import outbox_database
from openedx_events.django.status import TopicBacklog, unsent_by_topic
from openedx_events.event_bus._private.routing import validate_producer_config
from openedx_events.exceptions import OpenEdxEventException

__all__ = ["OutboxCollector", "outbox_collector", "serve_outbox_metrics"]

log = logging.getLogger("openedx_events.outbox")

_EMPTY = TopicBacklog(depth=0, oldest_unsent_age=0.0, failing=0)


class OutboxCollector(Collector):
    """The outbox of database ``using`` (``EVENT_BUS_OUTBOX_DATABASE``), read at each scrape.

    A database that cannot be read makes the scrape report nothing of the outbox, not fail.
    """

    def __init__(self, using: str | None = None) -> None:
        self.using = using or outbox_database()
        self._seen: set[str] = set()

    def describe(self) -> list[Any]:
        return []  # read at each scrape: nothing to check at registration

    def collect(self) -> Iterator[Any]:
        try:
            backlog = unsent_by_topic(self.using)
        except DatabaseError as error:
            log.warning("Metrics: cannot read the outbox of database %r: %s", self.using, error)
            return
        self._seen.update(backlog)
        self._seen.update(_routed_topics())
        depth = GaugeMetricFamily(
            "openedx_events_outbox_depth", "Outbox rows not sent yet", labels=("topic",)
        )
        age = GaugeMetricFamily(
            "openedx_events_outbox_oldest_unsent_age_seconds",
            "Age of the oldest outbox row not sent yet (0 when none waits)",
            labels=("topic",),
        )
        failing = GaugeMetricFamily(
            "openedx_events_outbox_failing",
            "Outbox rows not sent yet that the relay failed to publish",
            labels=("topic",),
        )
        for topic in sorted(self._seen):
            figures = backlog.get(topic, _EMPTY)
            depth.add_metric((topic,), figures.depth)
            age.add_metric((topic,), figures.oldest_unsent_age)
            failing.add_metric((topic,), figures.failing)
        yield depth
        yield age
        yield failing


def _routed_topics() -> set[str]:
    try:
        routes = validate_producer_config(get_setting("EVENT_BUS_PRODUCER_CONFIG") or {})
    except OpenEdxEventException:  # a bad configuration stops the service elsewhere
        return set()
    return {route.topic for signal_routes in routes.values() for route in signal_routes}


def outbox_collector(using: str | None = None) -> OutboxCollector:
    """The process's collector of database ``using``'s outbox (one per database, kept)."""
    using = using or outbox_database()
    found = _collectors.get(using)
    if found is None:
        found = _collectors[using] = OutboxCollector(using)
    return found


_collectors: dict[str, OutboxCollector] = {}


def serve_outbox_metrics(
    port: int, *, using: str | None = None, host: str = "0.0.0.0"
) -> ObservabilityServer:
    """Serve ``/metrics``, the outbox's gauges among this process's, from a daemon thread.

    ``port`` 0 takes any free port (``.port`` says which); runs until ``.close()``.
    """
    import prometheus_client  # noqa: PLC0415  (the caller checked that metrics are on)

    with contextlib.suppress(ValueError):  # registered by an earlier call
        prometheus_client.REGISTRY.register(outbox_collector(using))
    return ObservabilityServer(port, host=host).start()
