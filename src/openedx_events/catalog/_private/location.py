"""Where a signal is defined: the module, file and line of the assignment that creates it.

Signals are plain objects, which ``inspect`` cannot locate by themselves; their module is
found by looking for the object in the namespaces of the loaded modules, its source file with
``inspect``, and the line by finding the module-level assignment to that name in the source.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import attrs

from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = ["SourceLocation", "signal_locations"]


@attrs.frozen
class SourceLocation:
    """A place in the source: ``path`` relative to the directory its top package is in."""

    module: str
    path: str
    line: int


def signal_locations(
    signals: Iterable[OpenEdxPublicSignal],
) -> dict[OpenEdxPublicSignal, SourceLocation]:
    """The defining assignment of each signal that a loaded module holds under a name.

    A signal bound under several names or modules (a re-export) is located at the one
    assignment that creates it; one created inside a function has no location.
    """
    wanted = {id(signal): signal for signal in signals}
    candidates: dict[int, list[tuple[ModuleType, str]]] = {}
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            if id(value) in wanted and value is wanted[id(value)]:
                candidates.setdefault(id(value), []).append((module, name))
    found: dict[OpenEdxPublicSignal, SourceLocation] = {}
    for key, places in candidates.items():
        for module, name in sorted(places, key=lambda place: place[0].__name__):
            location = _assignment(module, name)
            if location is not None:
                found[wanted[key]] = location
                break
    return found


def _assignment(module: ModuleType, name: str) -> SourceLocation | None:
    try:
        file = inspect.getsourcefile(module)
    except TypeError:  # a built-in module
        return None
    if not file:
        return None
    line = _assigned_names(file).get(name)
    if line is None:
        return None
    return SourceLocation(module.__name__, _display_path(module, Path(file)), line)


@functools.cache
def _assigned_names(file: str) -> dict[str, int]:
    """Module-level names assigned in ``file`` (plain or annotated), with their first line."""
    try:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"), filename=file)
    except (OSError, SyntaxError, UnicodeDecodeError):
        return {}
    names: dict[str, int] = {}
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        for target in targets:
            if isinstance(target, ast.Name):
                names.setdefault(target.id, statement.lineno)
    return names


def _display_path(module: ModuleType, file: Path) -> str:
    """``openedx_events/learning/signals.py``: the path below the top package's directory."""
    top = sys.modules.get(module.__name__.split(".")[0])
    top_file = getattr(top, "__file__", None)
    if top_file:
        top_path = Path(top_file).resolve()
        root = top_path.parent.parent if top_path.name == "__init__.py" else top_path.parent
        try:
            return file.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return file.name
