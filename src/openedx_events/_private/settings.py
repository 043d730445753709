"""Where the framework's settings come from.

Django settings win when Django is imported and configured. Otherwise a value given to
:func:`configure` is used, then an environment variable of the same name (JSON for values that
are not plain strings, such as ``EVENT_BUS_PRODUCER_CONFIG``), then the caller's default.
Settings are read when used, never at import time, so tests may change them freely.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

__all__ = ["configure", "get_setting", "reset_configuration"]

_configured: dict[str, Any] = {}


def configure(**settings: Any) -> None:
    """Set settings programmatically, for processes that do not run Django."""
    _configured.update(settings)


def reset_configuration() -> None:
    """Forget every value given to :func:`configure`."""
    _configured.clear()


def _django_settings() -> Any:
    # Django is optional: only consult it when the process already imported it.
    conf = sys.modules.get("django.conf")
    if conf is None:
        return None
    settings = conf.settings
    return settings if settings.configured else None


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
