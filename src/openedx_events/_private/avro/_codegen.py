"""A small helper for the code-generating codecs: names, constants and function sources."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

__all__ = ["FunctionBuilder", "check_identifier"]


class FunctionBuilder:
    """Collects generated functions and the constants they refer to, then compiles them.

    Generated code only ever refers to constants by the names this builder hands out, and
    only ever uses attribute and key names that are Python identifiers, so no input can
    inject code.
    """

    def __init__(self, label: str) -> None:
        self._label = label
        self._namespace: dict[str, Any] = {}
        self._constants: dict[int, str] = {}
        self._sources: list[str] = []
        self._ids = itertools.count()

    def constant(self, value: Any, hint: str = "c") -> str:
        """A name under which generated code can use ``value``."""
        key = id(value)
        name = self._constants.get(key)
        if name is None:
            name = f"_{hint}{next(self._ids)}"
            self._constants[key] = name
            self._namespace[name] = value
        return name

    def new_name(self, hint: str) -> str:
        """A fresh name for a generated function."""
        return f"_{hint}{next(self._ids)}"

    def add(self, source: str) -> None:
        """Add one function definition."""
        self._sources.append(source)

    def compile(self, entry: str) -> Callable[..., Any]:
        """Compile every function added and return the one named ``entry``."""
        source = "\n\n".join(self._sources)
        code = compile(source, f"<openedx_events avro {self._label}>", "exec")
        exec(code, self._namespace)  # source built from type annotations only (see class doc)
        function: Callable[..., Any] = self._namespace[entry]
        return function


def check_identifier(name: str) -> str:
    """``name`` if it is a plain Python identifier (field names always are); else ValueError."""
    if not name.isidentifier():
        raise ValueError(f"{name!r} is not a valid field name")
    return name
