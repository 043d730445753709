"""Fresh state before each consumed event, for a consumer that runs for weeks.

A web request starts with usable database connections and empty per-request caches; an event
handled by a long-running consumer deserves the same. Before each event (and each retry) the
hook closes connections that are broken, outdated (``CONN_MAX_AGE``) or no longer answer, so
the next query opens a new one: the consumer outlives a database restart. It then clears the
request caches, which would otherwise keep one event's data for the next.
"""

from __future__ import annotations

import importlib.util

from django.db import connections, reset_queries

__all__ = ["refresh_state"]

_HAS_EDX_DJANGO_UTILS = importlib.util.find_spec("edx_django_utils") is not None


def refresh_state() -> None:
    """Make database connections and request caches fresh for the next event."""
    for connection in connections.all(initialized_only=True):
        # Never under an open transaction (a caller's atomic block, a test case's): Django's
        # own check would close it there, for its autocommit differs from the settings'.
        if connection.in_atomic_block:
            continue
        connection.close_if_unusable_or_obsolete()
        # A connection kept across events (CONN_MAX_AGE) may have been cut by a restart
        # without any error seen yet: ask it.
        if connection.connection is not None and not connection.is_usable():
            connection.close()
    reset_queries()
    if _HAS_EDX_DJANGO_UTILS:
        # Open edX services keep per-request data in edx-django-utils' request cache.
        from edx_django_utils.cache import RequestCache  # noqa: PLC0415  (optional)

        RequestCache.clear_all_namespaces()
