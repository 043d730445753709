"""Schema evolution: can data written with one Avro schema be read with another?

The rules are Avro's schema resolution: records match by name and their fields by name; a
field the reader has and the writer lacks needs a default in the reader; a field only the
writer has is skipped; ``int`` promotes to ``long``, ``float`` and ``double``, ``long`` to
``float`` and ``double``, ``float`` to ``double``, ``string`` and ``bytes`` to each other;
every branch a writer's union may hold must be readable. Each problem names the field path.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["Incompatibility", "breaking_changes", "reader_problems"]

_PROMOTIONS: dict[str, set[str]] = {
    "int": {"long", "float", "double"},
    "long": {"float", "double"},
    "float": {"double"},
    "string": {"bytes"},
    "bytes": {"string"},
}
_NAMED = ("record", "enum", "fixed")


@attrs.frozen
class Incompatibility:
    """One reason a reader cannot read a writer's data.

    Attributes:
        path: the dotted field path, or ``""`` for the whole event.
        kind: a short code, such as ``field-added-without-default``.
        message: a sentence for people.
    """

    path: str
    kind: str
    message: str


def reader_problems(writer: Any, reader: Any) -> list[Incompatibility]:
    """Every reason data written with ``writer`` cannot be read with ``reader``."""
    checker = _Checker(_named_types(writer), _named_types(reader))
    checker.check(writer, reader, "")
    return checker.problems


def breaking_changes(old: Any, new: Any) -> list[tuple[str, Incompatibility]]:
    """Problems in both directions, each tagged ``backward`` or ``forward``.

    ``backward``: consumers on the new schema cannot read events written with the old one;
    ``forward``: consumers still on the old schema cannot read events written with the new one.
    Field additions and removals are named from the change's point of view (old -> new).
    """
    found = [("backward", problem) for problem in reader_problems(old, new)]
    for problem in reader_problems(new, old):
        if problem.kind == "field-added-without-default":
            # Read old-from-new, a field "added" by the old reader is one the new schema removed.
            renamed = Incompatibility(
                problem.path,
                "field-removed-without-default",
                f"field removed, and the old schema gives it no default: {problem.path}",
            )
            found.append(("forward", renamed))
        else:
            found.append(("forward", problem))
    return found


def _named_types(schema: Any) -> dict[str, Any]:
    named: dict[str, Any] = {}

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for branch in node:
                visit(branch)
        elif isinstance(node, dict):
            kind = node.get("type")
            if kind in _NAMED:
                named.setdefault(node["name"], node)
                for field in node.get("fields", ()):
                    visit(field["type"])
            elif isinstance(kind, (dict, list)):
                visit(kind)
            visit(node.get("items"))
            visit(node.get("values"))

    visit(schema)
    return named


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


class _Checker:
    def __init__(self, writer_named: dict[str, Any], reader_named: dict[str, Any]) -> None:
        self.writer_named = writer_named
        self.reader_named = reader_named
        self.problems: list[Incompatibility] = []
        self._seen: set[tuple[int, int]] = set()

    def add(self, path: str, kind: str, message: str) -> None:
        self.problems.append(Incompatibility(path, kind, message))

    def resolve(self, node: Any, named: dict[str, Any]) -> Any:
        if isinstance(node, str) and node in named:
            return named[node]
        if isinstance(node, dict) and isinstance(node.get("type"), (dict, list)):
            return self.resolve(node["type"], named)
        if isinstance(node, dict) and node.get("type") not in (*_NAMED, "array", "map"):
            return node["type"]  # {"type": "string"} is "string"
        return node

    def check(self, writer: Any, reader: Any, path: str) -> None:
        writer = self.resolve(writer, self.writer_named)
        reader = self.resolve(reader, self.reader_named)
        # Every branch a writer's union may hold must be readable on its own.
        for branch in writer if isinstance(writer, list) else [writer]:
            self._branch(self.resolve(branch, self.writer_named), reader, path)

    def _branch(self, writer: Any, reader: Any, path: str) -> None:
        candidates = reader if isinstance(reader, list) else [reader]
        match = next((branch for branch in candidates if self._matches(writer, branch)), None)
        if match is None:
            self.add(
                path,
                "type-changed",
                f"type changed from {_describe(writer)} to {_describe(reader)}",
            )
            return
        match = self.resolve(match, self.reader_named)
        kind = _kind(writer)
        if kind == "record":
            self._records(writer, match, path)
        elif kind == "array":
            self.check(writer["items"], match["items"], f"{path}[]")
        elif kind == "map":
            self.check(writer["values"], match["values"], f"{path}{{}}")
        elif kind == "enum":
            missing = sorted(set(writer["symbols"]) - set(match["symbols"]))
            if missing and "default" not in match:
                self.add(path, "enum-symbols-removed", f"enum symbols removed: {missing}")

    def _matches(self, writer: Any, reader: Any) -> bool:
        writer = self.resolve(writer, self.writer_named)
        reader = self.resolve(reader, self.reader_named)
        writer_kind, reader_kind = _kind(writer), _kind(reader)
        if writer_kind in _NAMED or reader_kind in _NAMED:
            return writer_kind == reader_kind and _short(writer["name"]) == _short(reader["name"])
        if writer_kind == reader_kind:
            return True
        return reader_kind in _PROMOTIONS.get(writer_kind, set())

    def _records(self, writer: dict[str, Any], reader: dict[str, Any], path: str) -> None:
        key = (id(writer), id(reader))
        if key in self._seen:  # a recursive type, already being checked
            return
        self._seen.add(key)
        written = {field["name"]: field for field in writer["fields"]}
        for field in reader["fields"]:
            field_path = f"{path}.{field['name']}" if path else field["name"]
            if field["name"] in written:
                self.check(written[field["name"]]["type"], field["type"], field_path)
            elif "default" not in field:
                self.add(
                    field_path,
                    "field-added-without-default",
                    f"new field without a default: {field_path}",
                )


def _kind(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return str(node.get("type"))
    return "union"


def _describe(node: Any) -> str:
    if isinstance(node, list):
        return "[" + ", ".join(_describe(branch) for branch in node) + "]"
    if isinstance(node, dict):
        kind = node.get("type")
        if kind in _NAMED:
            return f"{kind} {node['name']}"
        if kind == "array":
            return f"array<{_describe(node['items'])}>"
        if kind == "map":
            return f"map<{_describe(node['values'])}>"
        return str(kind)
    return str(node)
