"""Reading the generated catalog pages back: the entries of the rst and Markdown outputs."""

from __future__ import annotations

import re

import attrs

__all__ = ["TextEntry", "markdown_entries", "rst_entries"]


@attrs.frozen
class TextEntry:
    """One event as a generated page shows it."""

    event_type: str
    fields: dict[str, str]
    warnings: tuple[str, ...]

    @property
    def aliases(self) -> tuple[str, ...]:
        """The other spellings of the type (the ``Also known as`` field)."""
        value = self.fields.get("Also known as")
        return tuple(_unquote(part) for part in value.split(", ")) if value else ()

    def value(self, name: str) -> str | None:
        """A field's value without its code quoting."""
        value = self.fields.get(name)
        return None if value is None else _unquote(value)


def _unquote(text: str) -> str:
    return text.strip().strip("`")


def rst_entries(text: str) -> list[TextEntry]:
    """The events of the rst page: sections underlined with ``~``."""
    entries = []
    blocks = re.split(r"^(?=\S+\n~+\n)", text, flags=re.MULTILINE)[1:]
    for block in blocks:
        title, _, body = block.partition("\n")
        fields = dict(re.findall(r"^:([^:]+): (.*)$", body, flags=re.MULTILINE))
        warnings = tuple(re.findall(r"^\.\. warning::\n\n   (.*)$", body, flags=re.MULTILINE))
        entries.append(TextEntry(title, fields, warnings))
    return entries


def markdown_entries(text: str) -> list[TextEntry]:
    """The events of the Markdown page: ``####`` headings."""
    entries = []
    for block in re.split(r"^(?=#### )", text, flags=re.MULTILINE)[1:]:
        title, _, body = block.partition("\n")
        fields = dict(re.findall(r"^- \*\*([^*]+):\*\* (.*)$", body, flags=re.MULTILINE))
        warnings = tuple(re.findall(r"^> \*\*Warning:\*\* (.*)$", body, flags=re.MULTILINE))
        entries.append(TextEntry(title.removeprefix("#### ").strip(), fields, warnings))
    return entries
