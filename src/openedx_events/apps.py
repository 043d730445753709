"""Django app configuration, so that ``"openedx_events"`` can go in ``INSTALLED_APPS``.

Only this module, the management commands, :mod:`openedx_events.django` (with the models and
migrations) and the testing helpers import Django; the rest of the package works without it.
The other names here are those the reference's module offers.
"""

from __future__ import annotations

from django.apps import AppConfig

from openedx_events._private.registry import load_all_signals
from openedx_events._private.signal import SIGNAL_PROCESSED_FROM_EVENT_BUS, OpenEdxPublicSignal
from openedx_events.django import install as install_django_integration
from openedx_events.event_bus._private.loading import get_producer
from openedx_events.event_bus._private.routing import (
    connect_producer_receivers,
    general_signal_handler,
)
from openedx_events.exceptions import ProducerConfigurationError

__all__ = [
    "SIGNAL_PROCESSED_FROM_EVENT_BUS",
    "OpenEdxPublicSignal",
    "OpenedxEventsConfig",
    "ProducerConfigurationError",
    "general_signal_handler",
    "get_producer",
    "load_all_signals",
]


class OpenedxEventsConfig(AppConfig):  # type: ignore[misc]  # Django ships no type hints
    """The ``openedx_events`` Django app."""

    name = "openedx_events"
    label = "openedx_events"
    verbose_name = "Open edX events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register every catalog signal, so receivers can look any of them up by type."""
        load_all_signals()
        # on_commit and outbox publishing, and fresh database connections for consumers.
        install_django_integration()
        # Publish the signals EVENT_BUS_PRODUCER_CONFIG routes to the bus; a bad config fails here.
        connect_producer_receivers()
