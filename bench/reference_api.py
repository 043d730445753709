"""List the public API of the reference implementation, as data for a compatibility test.

Run with this project's virtualenv (the reference runs in its own, see ``reference_env.py``):

    .venv/bin/python bench/reference_api.py > tests/data/reference_api.json

It walks every public module of the installed openedx-events 11.2.0 (test modules and
underscore names left out) and records, per module, each public name with its kind:
``module``, ``class`` (with its public members), ``function`` (with its parameters),
``signal`` (with its event type and data), ``constant`` (of a built-in type, with its value
when that is plain JSON), and for management commands their command-line options. A name counts
when it is defined in the package, or is a constant of the module; names a module merely
imports from elsewhere (Django, the standard library) do not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_env import run_reference

_WALKER = r"""
import importlib
import inspect
import pkgutil
import types

import openedx_events
from openedx_events.tooling import OpenEdxPublicSignal

PACKAGE = "openedx_events"


def params(func):
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    return [
        [name, param.kind.name, param.default is not inspect.Parameter.empty]
        for name, param in signature.parameters.items()
    ]


def ours(obj):
    return (getattr(obj, "__module__", None) or "").split(".")[0] == PACKAGE


def plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return True
    if isinstance(value, (list, tuple)):
        return all(plain(item) for item in value)
    return False


def class_members(cls):
    members = {}
    for klass in reversed(cls.__mro__):
        if not ours(klass):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") and name != "__init__":
                continue
            if isinstance(value, (staticmethod, classmethod)):
                members[name] = {"kind": "method", "params": params(value.__func__)}
            elif isinstance(value, property):
                members[name] = {"kind": "property"}
            elif inspect.isfunction(value):
                members[name] = {"kind": "method", "params": params(value)}
            else:
                members[name] = {"kind": "attribute"}
    members.pop("__init__", None)
    return members


def describe(name, value, module):
    if isinstance(value, types.ModuleType):
        return {"kind": "module"} if value.__name__.startswith(PACKAGE + ".") else None
    if isinstance(value, OpenEdxPublicSignal):
        return {
            "kind": "signal",
            "event_type": value.event_type,
            "data": sorted(value.init_data),
            "minor_version": value.minor_version,
        }
    if inspect.isclass(value):
        if not ours(value):
            return None
        return {
            "kind": "class",
            "bases": [base.__name__ for base in value.__mro__[1:] if ours(base)],
            "params": params(value),
            "members": class_members(value),
        }
    if callable(value):
        if not ours(value):
            return None
        return {"kind": "function", "params": params(value)}
    if type(value).__module__ != "builtins":  # a logger, Django's settings, ...
        return None
    entry = {"kind": "constant", "type": type(value).__name__}
    if plain(value) and not name.startswith("__"):
        entry["value"] = list(value) if isinstance(value, tuple) else value
    return entry


def command_options(module):
    from django.core.management.base import BaseCommand

    command = getattr(module, "Command", None)
    if not (inspect.isclass(command) and issubclass(command, BaseCommand)):
        return None
    name = module.__name__.rsplit(".", 1)[1]
    parser = command().create_parser("manage.py", name)
    options = []
    for action in parser._actions:
        if action.dest in {"help", "version", "verbosity", "settings", "pythonpath",
                           "traceback", "no_color", "force_color", "skip_checks"}:
            continue
        options.append({
            "dest": action.dest,
            "flags": sorted(action.option_strings),
            "nargs": action.nargs,
            "required": bool(action.required),
        })
    return options


api = {}
names = [PACKAGE] + [
    info.name for info in pkgutil.walk_packages(openedx_events.__path__, PACKAGE + ".")
]
for module_name in sorted(names):
    parts = module_name.split(".")
    if "tests" in parts or any(part.startswith(("_", "test_")) for part in parts):
        continue
    module = importlib.import_module(module_name)
    entries = {}
    for name, value in vars(module).items():
        if name.startswith("_") and name != "__version__":
            continue
        entry = describe(name, value, module)
        if entry is not None:
            entries[name] = entry
    record = {"names": entries}
    options = command_options(module)
    if options is not None:
        record["command_options"] = options
    api[module_name] = record

emit({"version": openedx_events.__version__, "modules": api})
"""


def main() -> None:
    """Print the reference's public API as JSON."""
    json.dump(run_reference(_WALKER), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
