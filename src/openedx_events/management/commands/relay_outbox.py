"""``manage.py relay_outbox``: publish the outbox's rows to the bus, until stopped or empty."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openedx_events._private.observability import metrics
from openedx_events._private.observability.server import ObservabilityServer
from openedx_events.django.relay import OutboxRelay, OutboxRelayError
from openedx_events.exceptions import ProducerConfigurationError

__all__ = ["Command"]


def serve_metrics(
    port: int | None, using: str | None, say: Callable[[str], object]
) -> ObservabilityServer | None:
    """Start serving the relay's metrics on ``port`` (``None``: do not); ``say`` tells where."""
    if port is None:
        return None
    if not 0 <= port <= 65535:
        raise CommandError(f"--metrics-port must be from 0 to 65535, got {port}")
    if not metrics.active():
        raise CommandError("--metrics-port needs prometheus-client (and EVENT_BUS_METRICS on)")
    from openedx_events.django.metrics import serve_outbox_metrics  # noqa: PLC0415

    try:
        server = serve_outbox_metrics(port, using=using)
    except OSError as error:
        raise CommandError(f"cannot serve metrics on port {port}: {error}") from error
    say(f"serving /metrics on port {server.port}")
    return server


class Command(BaseCommand):  # type: ignore[misc]  # Django ships no type information
    """Run the outbox relay."""

    help = (
        "Publish the events stored in the outbox through EVENT_BUS_PRODUCER, oldest first, "
        "until SIGTERM/SIGINT (which finish the current batch); with --once, publish what is "
        "there and exit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """How to batch, wait and back off; the database; where to serve metrics."""
        parser.add_argument("--once", action="store_true", help="exit once the outbox is empty")
        parser.add_argument("--batch-size", type=int, default=100, help="rows per batch")
        parser.add_argument(
            "--lease", type=float, default=30.0, help="seconds a batch is held (SQLite)"
        )
        parser.add_argument(
            "--poll-interval", type=float, default=0.5, help="seconds between looks when empty"
        )
        parser.add_argument(
            "--max-backoff",
            type=float,
            default=30.0,
            help="the longest wait, in seconds, between two attempts while publishing fails",
        )
        parser.add_argument("--database", default=None, help="the outbox's database alias")
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=None,
            help="serve /metrics (the outbox's depth and age among them) on this port while "
            "relaying; 0: any free port, said on stderr",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Relay, then say how many rows were published."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        server = serve_metrics(options["metrics_port"], options["database"], self.stderr.write)
        try:
            relay = OutboxRelay(
                using=options["database"],
                batch_size=options["batch_size"],
                lease=options["lease"],
                poll_interval=options["poll_interval"],
                max_backoff=options["max_backoff"],
            )
            stats = relay.run(once=options["once"])
        except (OutboxRelayError, ProducerConfigurationError, ValueError) as error:
            raise CommandError(str(error)) from error
        finally:
            if server is not None:
                server.close()
        self.stdout.write(f"published {stats.published} event(s) in {stats.batches} batch(es)")
