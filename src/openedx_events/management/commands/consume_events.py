"""``manage.py consume_events -t TOPIC -g GROUP [--extra JSON] [--metrics-port N]``.

The way Open edX services run a consumer: the consumer comes from ``EVENT_BUS_CONSUMER``
through :func:`make_single_consumer`, with ``--extra``'s keyword arguments (a JSON object,
such as ``'{"check_backlog": true}'`` for the Redis bus), and consumes until stopped. With
``--metrics-port`` it serves ``/metrics``, ``/livez`` and ``/readyz`` meanwhile, as
``openedx-events consume`` does.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openedx_events._private.observability.server import ObservabilityServer
from openedx_events._private.registry import load_all_signals
from openedx_events.event_bus import serve_observability
from openedx_events.event_bus._private.loading import make_single_consumer
from openedx_events.exceptions import OpenEdxEventException

__all__ = ["Command", "load_all_signals", "make_single_consumer"]


def _extra_arguments(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        extra = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise CommandError(f"--extra is not valid JSON: {error}") from error
    if not isinstance(extra, dict):
        raise CommandError(f"--extra must be a JSON object, got {type(extra).__name__}")
    return extra


def _serve(port: int, consumer: object) -> ObservabilityServer:
    try:
        return serve_observability(port, consumer=consumer)
    except OSError as error:
        raise CommandError(f"cannot serve metrics on port {port}: {error}") from error


class Command(BaseCommand):  # type: ignore[misc]  # Django ships no type information
    """Consume one topic as one consumer group, sending each event to its signal."""

    help = (
        "Consume events from a topic (without the environment prefix) as a consumer group and "
        "send each to its signal's receivers. --extra passes keyword arguments, as a JSON "
        "object, to the consumer factory named by EVENT_BUS_CONSUMER."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """-t/--topic, -g/--group_id and --extra, as the reference names them; --metrics-port."""
        parser.add_argument(
            "-t", "--topic", nargs=1, required=True, help="topic to consume (no prefix)"
        )
        parser.add_argument("-g", "--group_id", nargs=1, required=True, help="consumer group")
        parser.add_argument(
            "--extra", nargs="?", type=str, required=False, help="JSON object of extra arguments"
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=None,
            help="serve /metrics, /livez and /readyz on this port while consuming; 0: any free "
            "port, said on stderr",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Build the consumer and consume until stopped."""
        extra = _extra_arguments(options.get("extra"))
        port = options.get("metrics_port")
        if port is not None and not 0 <= port <= 65535:
            raise CommandError(f"--metrics-port must be from 0 to 65535, got {port}")
        load_all_signals()
        server = None
        try:
            consumer = make_single_consumer(
                topic=options["topic"][0], group_id=options["group_id"][0], **extra
            )
            if port is not None:
                server = _serve(port, consumer)
                self.stderr.write(f"serving /metrics, /livez and /readyz on port {server.port}")
            consumer.consume_indefinitely()
        except OpenEdxEventException as error:
            raise CommandError(str(error)) from error
        finally:
            if server is not None:
                server.close()
