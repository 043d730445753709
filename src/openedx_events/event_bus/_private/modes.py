"""When a routed event leaves the service: the publishing modes.

``on_commit`` (the default)
    After the current database transaction commits; at once when there is none. A rolled-back
    transaction publishes nothing.
``outbox``
    Stored, encoded, in an outbox table inside the transaction; a relay publishes it later.
``immediate``
    At once, for events that are not tied to a transaction.

A topic's ``"mode"`` key in ``EVENT_BUS_PRODUCER_CONFIG`` chooses; ``EVENT_BUS_PRODUCER_MODE``
is the project default. The core knows no transactions: a :class:`TransactionalPublisher`
(the Django app installs one) carries out ``on_commit`` and ``outbox``. Without one,
``on_commit`` publishes at once, there being no transaction to wait for, and ``outbox`` is a
configuration error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.settings import get_setting
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.producer import EventBusProducer
from openedx_events.exceptions import ProducerConfigurationError

__all__ = [
    "DEFAULT_MODE",
    "IMMEDIATE",
    "MODES",
    "ON_COMMIT",
    "OUTBOX",
    "TransactionalPublisher",
    "check_mode",
    "default_mode",
    "install_transactional_publisher",
    "transactional_publisher",
]

ON_COMMIT = "on_commit"
OUTBOX = "outbox"
IMMEDIATE = "immediate"
MODES = (ON_COMMIT, OUTBOX, IMMEDIATE)
DEFAULT_MODE = ON_COMMIT


class TransactionalPublisher(Protocol):
    """Publishes an event in the ``on_commit`` or ``outbox`` mode, around a transaction."""

    def publish(
        self,
        mode: str,
        producer: EventBusProducer,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str | None,
        event_data: Mapping[str, Any],
        event_metadata: EventsMetadata,
    ) -> None:
        """Publish (or store for publishing) one event to ``topic``."""


_installed: list[TransactionalPublisher] = []


def install_transactional_publisher(publisher: TransactionalPublisher | None) -> None:
    """Use ``publisher`` for the transactional modes (``None``: there is none again)."""
    _installed[:] = [] if publisher is None else [publisher]


def transactional_publisher() -> TransactionalPublisher | None:
    """The installed publisher of the transactional modes, if any."""
    return _installed[0] if _installed else None


def check_mode(event_type: str, where: str, mode: object) -> str:
    """Return ``mode`` if it names a mode this process can carry out.

    Raises:
        ProducerConfigurationError: the mode is unknown, or it is ``outbox`` and no
            transactional publisher is installed.
    """
    if mode not in MODES:
        expected = ", ".join(repr(m) for m in MODES)
        raise ProducerConfigurationError(
            event_type, f"{where}: unknown mode {mode!r} (expected one of {expected})"
        )
    if mode == OUTBOX and transactional_publisher() is None:
        raise ProducerConfigurationError(
            event_type,
            f"{where}: the 'outbox' mode needs the Django app: put 'openedx_events' in "
            "INSTALLED_APPS",
        )
    return str(mode)


def default_mode(event_type: str = "") -> str:
    """The project's default mode, ``EVENT_BUS_PRODUCER_MODE`` (``on_commit`` when unset)."""
    mode = get_setting("EVENT_BUS_PRODUCER_MODE") or DEFAULT_MODE
    return check_mode(event_type, "EVENT_BUS_PRODUCER_MODE", mode)
