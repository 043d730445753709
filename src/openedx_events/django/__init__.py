"""The Django integration's production machinery; only Django processes import it.

:mod:`.publishing`
    The ``on_commit`` and ``outbox`` modes over Django's transactions.
:mod:`.outbox`
    The outbox table (the :class:`~.outbox.OutboxMessage` model) and the writes to it.
:mod:`.relay`
    The relay that publishes stored rows (``manage.py relay_outbox``).
:mod:`.status`
    What the outbox holds: depth, oldest unsent age, relay errors (``manage.py outbox_status``).
:mod:`.metrics`
    The outbox's Prometheus gauges, for the relay's ``--metrics-port`` and the Django view.
:mod:`.freshness`
    The consumer's pre-event hook: usable database connections and empty request caches.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["install"]

log = logging.getLogger("openedx_events.event_bus.producer")

_RECONNECTING_SETTINGS = frozenset({"EVENT_BUS_PRODUCER_CONFIG", "EVENT_BUS_PRODUCER_MODE"})


def install() -> None:
    """Install the transactional modes and the consumer's pre-event hook (at app start)."""
    from django.core.signals import setting_changed  # noqa: PLC0415  (Django processes only)

    from openedx_events.django.freshness import refresh_state  # noqa: PLC0415  (idem)
    from openedx_events.django.publishing import DjangoPublisher  # noqa: PLC0415  (idem)
    from openedx_events.event_bus._private.consumer import (  # noqa: PLC0415  (idem)
        set_default_pre_event_hook,
    )
    from openedx_events.event_bus._private.modes import (  # noqa: PLC0415  (idem)
        install_transactional_publisher,
    )

    install_transactional_publisher(DjangoPublisher())
    set_default_pre_event_hook(refresh_state)
    setting_changed.connect(_reconnect, weak=False, dispatch_uid="openedx_events.routes")


def _reconnect(setting: str, **kwargs: Any) -> None:
    # override_settings of the routes takes effect as a changed settings file would. A bad
    # value must not fail inside override_settings itself: the routes are dropped, and the
    # error comes from whoever validates them next (the app's ready(), as with the reference).
    if setting not in _RECONNECTING_SETTINGS:
        return
    from openedx_events.event_bus import (  # noqa: PLC0415
        connect_producer_receivers,
        disconnect_producer_receivers,
    )
    from openedx_events.exceptions import ProducerConfigurationError  # noqa: PLC0415

    try:
        connect_producer_receivers()
    except ProducerConfigurationError as error:
        disconnect_producer_receivers()
        log.error(
            "%s changed to an invalid value; no event is routed to the bus: %s", setting, error
        )
