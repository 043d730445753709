"""The Django app's models; they live in :mod:`openedx_events.django.outbox`."""

from openedx_events.django.outbox import OutboxMessage

__all__ = ["OutboxMessage"]
