"""A Django view of the bus's metrics, for services that already expose ``/metrics``.

Add it to a URLconf (``path("metrics/events", metrics_view)``): it serves this process's
counters and histograms (prometheus-client's default registry, which a service's own metrics
share), the lag and dead-letter depth of every group on the configured bus, and, where the
``openedx_events`` app is installed, the outbox's depth and oldest unsent age per topic.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpResponse

from openedx_events._private.observability import metrics

__all__ = ["metrics_view"]


def metrics_view(request: Any) -> Any:
    """Prometheus text exposition of the events metrics; 404 when metrics are off."""
    if not metrics.active():
        return HttpResponse("metrics are off: install prometheus-client\n", status=404)
    import prometheus_client  # noqa: PLC0415  (present when metrics are active)

    from openedx_events.event_bus import get_backend  # noqa: PLC0415  (read at each scrape)

    bus = prometheus_client.CollectorRegistry(auto_describe=False)
    bus.register(metrics.BusCollector(get_backend()))
    if apps.is_installed("openedx_events"):
        from openedx_events.django.metrics import outbox_collector  # noqa: PLC0415

        bus.register(outbox_collector())
    body = prometheus_client.generate_latest(prometheus_client.REGISTRY)
    body += prometheus_client.generate_latest(bus)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
