"""Loading an object named by a dotted path in a setting."""

from __future__ import annotations

import importlib
from typing import Any

from openedx_events.exceptions import OpenEdxEventException

__all__ = ["load_dotted"]


def load_dotted(path: object, setting: str, error: type[OpenEdxEventException]) -> Any:
    """The object at ``path`` (``package.module.name``), or ``error`` naming ``setting``."""
    if not isinstance(path, str) or "." not in path:
        raise error(f"{setting}={path!r} is not a dotted path such as 'package.module.name'")
    module_name, _, name = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise error(f"{setting}={path!r}: cannot import {module_name!r} ({exc})") from exc
    try:
        return getattr(module, name)
    except AttributeError as exc:
        raise error(f"{setting}={path!r}: module {module_name!r} has no {name!r}") from exc
