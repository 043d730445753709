"""Django app configuration, so that ``"openedx_events"`` can go in ``INSTALLED_APPS``.

Only this module, :mod:`openedx_events.django` (with the models and migrations) and the
testing helpers import Django; the rest of the package works without it.
"""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["OpenedxEventsConfig"]


class OpenedxEventsConfig(AppConfig):  # type: ignore[misc]  # Django ships no type hints
    """The ``openedx_events`` Django app."""

    name = "openedx_events"
    label = "openedx_events"
    verbose_name = "Open edX events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register every catalog signal, so receivers can look any of them up by type."""
        from openedx_events.tooling import load_all_signals  # noqa: PLC0415  (at app start)

        load_all_signals()
        # on_commit and outbox publishing, and fresh database connections for consumers.
        from openedx_events.django import install  # noqa: PLC0415  (idem)

        install()
        # Publish the signals EVENT_BUS_PRODUCER_CONFIG routes to the bus; a bad config fails here.
        from openedx_events.event_bus import connect_producer_receivers  # noqa: PLC0415  (idem)

        connect_producer_receivers()
