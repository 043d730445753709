"""``openedx-events outbox``: the transactional outbox of a Django service.

The commands load the service's Django settings (``--settings``, else
``DJANGO_SETTINGS_MODULE``), as ``manage.py relay_outbox``, ``outbox_status`` and
``purge_outbox`` do.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import click

from openedx_events.cli.topics import Duration

__all__ = ["outbox"]

F = TypeVar("F", bound=Callable[..., Any])


def setup_django(settings: str | None, *, required: bool = True) -> bool:
    """Load the service's Django settings (``settings``, else ``DJANGO_SETTINGS_MODULE``).

    Returns ``False`` when none are named and ``required`` is false.
    """
    if settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings
    name = os.environ.get("DJANGO_SETTINGS_MODULE")
    if not name:
        if not required:
            return False
        raise click.UsageError(
            "name the service's Django settings: --settings or DJANGO_SETTINGS_MODULE"
        )
    # As from manage.py, the settings module may live in the working directory.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        # Django is optional. Imported by name: mypy's search path holds the tests' `django`
        # folder, which would stand for the untyped library.
        django = importlib.import_module("django")
    except ImportError as error:
        raise click.ClickException(
            "the outbox needs Django: pip install 'openedx-events[django]'"
        ) from error
    try:
        django.setup()
    except Exception as error:  # any failure of the settings, reported without a traceback
        raise click.ClickException(
            f"the Django settings {name!r} do not load: {type(error).__name__}: {error}"
        ) from error
    return True


def outbox_summary() -> list[str]:
    """The outbox's status lines, once :func:`setup_django` loaded a service with the app."""
    from django.apps import apps  # noqa: PLC0415  (Django is optional)

    if not apps.is_installed("openedx_events"):
        return ["no outbox: 'openedx_events' is not in INSTALLED_APPS"]
    from django.db import DatabaseError  # noqa: PLC0415

    from openedx_events.django.status import outbox_status  # noqa: PLC0415

    try:
        return outbox_status().summary()
    except DatabaseError as error:  # an unreachable database: said, not traced
        raise click.ClickException(f"the outbox's database failed: {error}") from error


def outbox_json() -> dict[str, Any] | None:
    """The outbox's status as JSON data, by topic too; ``None`` without the app."""
    from django.apps import apps  # noqa: PLC0415  (Django is optional)

    if not apps.is_installed("openedx_events"):
        return None
    import attrs  # noqa: PLC0415
    from django.db import DatabaseError  # noqa: PLC0415

    from openedx_events.django.status import outbox_status, unsent_by_topic  # noqa: PLC0415

    try:
        data = outbox_status().to_json_data()
        data["topics"] = {topic: attrs.asdict(b) for topic, b in unsent_by_topic().items()}
    except DatabaseError as error:  # an unreachable database: said, not traced
        raise click.ClickException(f"the outbox's database failed: {error}") from error
    return data


def _setup_required(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    setup_django(value)


def _django_options(command: F) -> F:
    command = click.option("--database", default=None, help="The outbox's database alias.")(command)
    return click.option(
        "--settings",
        callback=_setup_required,
        expose_value=False,
        help="The service's Django settings module (default: DJANGO_SETTINGS_MODULE).",
    )(command)


@click.group()
def outbox() -> None:
    """The outbox of a Django service: relay it to the bus, look at it, purge it."""


@outbox.command()
@click.option("--once", is_flag=True, help="Exit once the outbox is empty.")
@click.option("--batch-size", type=click.IntRange(min=1), default=100, show_default=True)
@click.option(
    "--lease", type=float, default=30.0, show_default=True, help="Seconds a batch is held (SQLite)."
)
@click.option(
    "--metrics-port",
    type=click.IntRange(min=0, max=65535),
    help="Serve /metrics (the outbox's depth and age among them) on this port while relaying.",
)
@_django_options
def relay(
    *, once: bool, batch_size: int, lease: float, metrics_port: int | None, database: str | None
) -> None:
    """Publish the outbox's events through EVENT_BUS_PRODUCER, oldest first.

    Runs until SIGTERM or SIGINT, which finish the current batch; with --once, publishes
    what is there and exits.
    """
    from openedx_events.django.relay import OutboxRelay, OutboxRelayError  # noqa: PLC0415
    from openedx_events.exceptions import ProducerConfigurationError  # noqa: PLC0415

    server = _serve_metrics(metrics_port, database) if metrics_port is not None else None
    try:
        stats = OutboxRelay(using=database, batch_size=batch_size, lease=lease).run(once=once)
    except (OutboxRelayError, ProducerConfigurationError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        if server is not None:
            server.close()
    click.echo(f"published {stats.published} event(s) in {stats.batches} batch(es)")


def _serve_metrics(port: int, database: str | None) -> Any:
    from openedx_events._private.observability import metrics  # noqa: PLC0415

    if not metrics.active():
        raise click.ClickException("--metrics-port needs prometheus-client (and EVENT_BUS_METRICS)")
    from openedx_events.django.metrics import serve_outbox_metrics  # noqa: PLC0415

    try:
        server = serve_outbox_metrics(port, using=database)
    except OSError as error:
        raise click.ClickException(f"cannot serve metrics on port {port}: {error}") from error
    click.echo(f"serving /metrics on port {server.port}", err=True)
    return server


@outbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_django_options
def status(*, as_json: bool, database: str | None) -> None:
    """How many events wait in the outbox, the oldest one's age, and relay errors."""
    from openedx_events.django.status import outbox_status  # noqa: PLC0415

    figures = outbox_status(database)
    if as_json:
        click.echo(json.dumps(figures.to_json_data()))
        return
    for line in figures.summary():
        click.echo(line)


@outbox.command()
@click.option("--older-than", "age", required=True, type=Duration(), help="90s, 15m, 12h, 7d, 2w.")
@_django_options
def purge(*, age: timedelta, database: str | None) -> None:
    """Delete the rows the relay sent longer ago than --older-than; unsent rows stay."""
    from openedx_events.django.outbox import purge_sent  # noqa: PLC0415

    click.echo(f"deleted {purge_sent(age, database)} sent row(s)")
