"""Every public name of the reference implementation exists here, at the same path, compatibly.

``tests/data/reference_api.json`` is generated from the installed openedx-events 11.2.0 by
``bench/reference_api.py``; regenerate it rather than editing it. Each recorded name must be
importable from the same module of this package, be of the same kind, and accept every way of
calling it that the reference accepts (parameter names, order and kinds); signals carry the
same event type and data; constants have the same type (and value, where it is plain data);
management commands take the same options.
"""

from __future__ import annotations

import importlib
import inspect
import json
import types
from pathlib import Path
from typing import Any

import pytest

from openedx_events.tooling import OpenEdxPublicSignal

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "reference_api.json").read_text(encoding="utf-8")
)
MODULES: dict[str, dict[str, Any]] = REFERENCE["modules"]

Params = list[list[Any]]
_POSITIONAL = {"POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"}


def _params(obj: Any) -> Params | None:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [
        [name, param.kind.name, param.default is not inspect.Parameter.empty]
        for name, param in signature.parameters.items()
    ]


def call_problems(reference: Params | None, ours: Params | None) -> list[str]:
    """Ways of calling the reference's callable that ours does not accept."""
    if reference is None:
        return []
    if ours is None:
        return ["no inspectable signature"]
    return [
        *_positional_problems(reference, ours),
        *_keyword_problems(reference, ours),
        *_extra_required(reference, ours),
    ]


def _positional(params: Params) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, _ in params if kind in _POSITIONAL]


def _positional_problems(reference: Params, ours: Params) -> list[str]:
    problems = []
    our_positional = _positional(ours)
    takes_varargs = any(kind == "VAR_POSITIONAL" for _, kind, _ in ours)
    for index, (name, kind) in enumerate(_positional(reference)):
        if index >= len(our_positional):
            if not takes_varargs:
                problems.append(f"positional parameter {index} ({name}) is not accepted")
            continue
        our_name, our_kind = our_positional[index]
        if kind == "POSITIONAL_OR_KEYWORD" and (our_name, our_kind) != (name, kind):
            problems.append(f"positional parameter {index} is {our_name!r}, not {name!r}")
    return problems


def _keyword_problems(reference: Params, ours: Params) -> list[str]:
    kinds = {kind for _, kind, _ in ours}
    by_name = {name: kind for name, kind, _ in ours}
    problems = []
    for name, kind, _ in reference:
        takes_it = by_name.get(name) in {"KEYWORD_ONLY", "POSITIONAL_OR_KEYWORD"}
        if kind == "KEYWORD_ONLY" and not takes_it and "VAR_KEYWORD" not in kinds:
            problems.append(f"keyword argument {name!r} is not accepted")
        if kind in {"VAR_POSITIONAL", "VAR_KEYWORD"} and kind not in kinds:
            problems.append(f"{kind} is not accepted")
    return problems


def _extra_required(reference: Params, ours: Params) -> list[str]:
    reference_names = {name for name, _, _ in reference}
    covered = {name for name, _ in _positional(ours)[: len(_positional(reference))]}
    return [
        f"our parameter {name!r} is required; the reference has none"
        for name, kind, has_default in ours
        if kind in _POSITIONAL | {"KEYWORD_ONLY"}
        and not has_default
        and name not in reference_names | covered
    ]


def _command_parser(module: types.ModuleType) -> Any:
    name = module.__name__.rsplit(".", 1)[1]
    return module.Command().create_parser("manage.py", name)


def _names() -> list[tuple[str, str]]:
    return [(module, name) for module, entry in MODULES.items() for name in entry["names"]]


@pytest.mark.parametrize("module_name", sorted(MODULES))
def test_module_exists(module_name: str) -> None:
    importlib.import_module(module_name)


@pytest.mark.parametrize(("module_name", "name"), _names())
def test_name_is_compatible(module_name: str, name: str) -> None:
    expected = MODULES[module_name]["names"][name]
    module = importlib.import_module(module_name)
    assert hasattr(module, name), f"{module_name}.{name} is missing"
    value = getattr(module, name)
    kind = expected["kind"]
    if kind == "module":
        assert isinstance(value, types.ModuleType)
    elif kind == "signal":
        assert isinstance(value, OpenEdxPublicSignal)
        assert value.event_type == expected["event_type"]
        assert sorted(value.init_data) == expected["data"]
        assert value.minor_version == expected["minor_version"]
    elif kind == "constant":
        assert type(value).__name__ == expected["type"]
        if "value" in expected:
            assert (list(value) if isinstance(value, tuple) else value) == expected["value"]
    elif kind == "function":
        assert callable(value)
        assert not inspect.isclass(value)
        assert call_problems(expected["params"], _params(value)) == []
    else:
        assert kind == "class"
        _check_class(value, expected)


def _check_class(cls: Any, expected: dict[str, Any]) -> None:
    assert inspect.isclass(cls)
    mro_names = {base.__name__ for base in cls.__mro__}
    assert set(expected["bases"]) <= mro_names
    assert call_problems(expected["params"], _params(cls)) == []
    for member, spec in expected["members"].items():
        assert hasattr(cls, member), f"{cls.__name__}.{member} is missing"
        if spec["kind"] == "method":
            attribute = inspect.getattr_static(cls, member)
            function = getattr(attribute, "__func__", attribute)
            assert callable(function), f"{cls.__name__}.{member} is not a method"
            problems = call_problems(spec["params"], _params(function))
            assert problems == [], f"{cls.__name__}.{member}: {problems}"


COMMANDS = {name: entry for name, entry in MODULES.items() if "command_options" in entry}


@pytest.mark.parametrize("module_name", sorted(COMMANDS))
def test_management_command_options(module_name: str) -> None:
    parser = _command_parser(importlib.import_module(module_name))
    actions = {action.dest: action for action in parser._actions}
    for option in COMMANDS[module_name]["command_options"]:
        action = actions.get(option["dest"])
        assert action is not None, f"no option {option['dest']!r}"
        assert set(option["flags"]) <= set(action.option_strings)
        assert action.nargs == option["nargs"]
        assert bool(action.required) == option["required"]


def test_call_problems_catches_renamed_and_missing_parameters() -> None:
    def reference(signal: Any, *, time: Any = None, **kwargs: Any) -> None: ...

    def renamed(event: Any, *, time: Any = None, **kwargs: Any) -> None: ...

    def narrower(signal: Any) -> None: ...

    def wider(signal: Any, extra: Any = 1, *, time: Any = None, **kwargs: Any) -> None: ...

    assert call_problems(_params(reference), _params(reference)) == []
    assert call_problems(_params(reference), _params(wider)) == []
    assert call_problems(_params(reference), _params(renamed))
    assert len(call_problems(_params(reference), _params(narrower))) == 2
