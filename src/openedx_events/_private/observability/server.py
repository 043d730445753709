"""A small HTTP endpoint: ``/metrics`` for Prometheus, ``/livez`` and ``/readyz`` for probes."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from openedx_events._private.observability import metrics
from openedx_events._private.observability.health import Health

__all__ = ["ObservabilityServer"]

log = logging.getLogger("openedx_events.event_bus.metrics")


class ObservabilityServer:
    """Serves metrics and probes on ``host:port`` (port 0: any free port) from a daemon thread.

    ``registry`` is where ``/metrics`` reads (the default registry by default); ``health``,
    when given, answers ``/livez`` and ``/readyz`` (200 when true, 503 when not).
    """

    def __init__(
        self,
        port: int,
        *,
        host: str = "0.0.0.0",
        health: Health | None = None,
        registry: Any = None,
    ) -> None:
        self.health = health
        self.registry = registry
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, kind, body = server.answer(self.path.partition("?")[0])
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("probe: " + format, *args)

        self._http = ThreadingHTTPServer((host, port), _Handler)
        self._http.daemon_threads = True
        self.port: int = self._http.server_address[1]
        self._thread = threading.Thread(
            target=self._http.serve_forever, name="openedx-events-metrics", daemon=True
        )

    def answer(self, path: str) -> tuple[int, str, bytes]:
        """The status, content type and body of a GET of ``path``."""
        if path == "/metrics":
            if not metrics.active():
                return 404, "text/plain", b"metrics are off: install prometheus-client\n"
            import prometheus_client  # noqa: PLC0415  (present when metrics are active)

            registry = self.registry or prometheus_client.REGISTRY
            return (
                200,
                prometheus_client.CONTENT_TYPE_LATEST,
                prometheus_client.generate_latest(registry),
            )
        if path in ("/livez", "/readyz") and self.health is not None:
            state = self.health.describe()
            ok = state["alive"] if path == "/livez" else state["ready"]
            return 200 if ok else 503, "application/json", json.dumps(state).encode() + b"\n"
        return 404, "text/plain", b"not found\n"

    def start(self) -> ObservabilityServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()
