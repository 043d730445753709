"""Where the framework's settings come from.

Django settings win when Django is imported and configured. Otherwise a value given to
:func:`configure` is used, then an environment variable of the same name (JSON for values that
are not plain strings, such as ``EVENT_BUS_PRODUCER_CONFIG``), then the caller's default.
Settings are read when used, never at import time, so tests may change them freely.

Values derived from settings on every event (the metadata ``source``) are kept by a
:func:`derived_setting`, which recomputes them only when a source may have changed: a call to
:func:`configure`, a change of the environment variables it depends on, Django becoming
configured, or Django's ``setting_changed`` signal (sent by ``override_settings``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["configure", "derived_setting", "get_setting", "reset_configuration"]

T = TypeVar("T")

_configured: dict[str, Any] = {}
# Bumped whenever a setting may have changed in a way the environment check cannot see.
_generation = 0
# Set once a configured Django is seen; from then on Django settings are the only source.
_django_watched = False
_modules = sys.modules
# os.environ's backing dict: reading it directly skips the str<->bytes round trip of
# os.environ.get, and it is updated by every assignment to os.environ.
_environ_data: dict[Any, Any] = getattr(os.environ, "_data", {})
_encodekey: Callable[[str], Any] = getattr(os.environ, "encodekey", lambda name: name)


def _bump(*args: Any, **kwargs: Any) -> None:
    global _generation  # noqa: PLW0603  (process-wide change counter)
    _generation += 1


def configure(**settings: Any) -> None:
    """Set settings programmatically, for processes that do not run Django."""
    _configured.update(settings)
    _bump()


def reset_configuration() -> None:
    """Forget every value given to :func:`configure`."""
    _configured.clear()
    _bump()


def _django_settings() -> Any:
    # Django is optional: only consult it when the process already imported it.
    conf = _modules.get("django.conf")
    if conf is None:
        return None
    settings = conf.settings
    return settings if settings.configured else None


def _check_django() -> None:
    global _django_watched  # noqa: PLW0603  (set once per process)
    if not _modules["django.conf"].settings.configured:
        return
    from django.core.signals import setting_changed  # noqa: PLC0415  (Django is optional)

    setting_changed.connect(_bump, weak=False, dispatch_uid="openedx_events.settings")
    _django_watched = True
    _bump()


def get_setting(name: str, default: Any = None) -> Any:
    """Return the value of setting ``name`` from the first source that has it."""
    django_settings = _django_settings()
    if django_settings is not None:
        return getattr(django_settings, name, default)
    if name in _configured:
        return _configured[name]
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw[:1] in ("{", "[") or raw in ("true", "false", "null"):
        return json.loads(raw)
    return raw


def derived_setting(compute: Callable[[], T], env_names: tuple[str, ...]) -> Callable[[], T]:
    """A function returning ``compute()``, recomputed only when a setting may have changed.

    ``env_names`` (one or two names) lists the environment variables ``compute`` reads
    through :func:`get_setting`; a change to any of them is noticed on the next call.
    """
    if not 1 <= len(env_names) <= 2:  # the check in current() is unrolled for two
        raise ValueError("derived_setting watches one or two environment variables")
    first_key = _encodekey(env_names[0])
    second_key = _encodekey(env_names[-1])
    environ_get = _environ_data.get
    # The value and the state it was computed in (a generation, then the raw environment
    # values, compared by identity: assigning a variable stores a new object), replaced
    # together in one assignment so concurrent callers never pair a value with another state.
    cache: tuple[Any, Any, Any, Any] = (None, None, None, None)

    def current() -> T:
        nonlocal cache
        if not _django_watched and "django.conf" in _modules:
            _check_django()
        generation, first, second, value = cache
        if generation == _generation and (
            _django_watched
            or (environ_get(first_key) is first and environ_get(second_key) is second)
        ):
            return value  # type: ignore[no-any-return]  # computed by compute()
        state = (_generation, environ_get(first_key), environ_get(second_key))
        # Compute after reading the state, so a change during compute is seen next time.
        value = compute()
        cache = (*state, value)
        return value

    current.__doc__ = compute.__doc__
    return current
