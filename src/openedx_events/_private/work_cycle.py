"""What a long-running worker (a bus consumer) does between two units of work.

Django checks the age and health of database connections and clears request caches around
each request; a consume loop has no requests, so it does the same here before each event.
Nothing happens where Django (or edx-django-utils) is not installed or not configured.
"""

from __future__ import annotations

import importlib.util

__all__ = ["prepare_for_new_work_cycle"]


def _django_ready() -> bool:
    if importlib.util.find_spec("django") is None:
        return False
    from django.conf import settings  # noqa: PLC0415  (Django is optional)

    return bool(settings.configured)


def _reconnect_database_if_needed() -> None:
    from django.db import connections  # noqa: PLC0415  (Django is optional)

    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()
            connection.connect()


def _clear_request_cache() -> None:
    if importlib.util.find_spec("edx_django_utils") is None:
        return
    from edx_django_utils.cache import RequestCache  # noqa: PLC0415  (optional dependency)

    RequestCache.clear_all_namespaces()


def prepare_for_new_work_cycle() -> None:
    """Make the process fit for the next event: usable database connections, empty caches."""
    if not _django_ready():
        return
    _reconnect_database_if_needed()
    _clear_request_cache()
