"""Readable text of the ``(receiver, response)`` pairs a send returns, for logs."""

from __future__ import annotations

import pprint
import traceback
from typing import Any

__all__ = ["ResponsePrettyPrinter", "format_responses"]


def _readable(value: Any) -> Any:
    """A receiver as its dotted name, an exception as its traceback, anything else as is."""
    if isinstance(value, BaseException):
        return "".join(traceback.format_exception(type(value), value, value.__traceback__))
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', value)}"
    return value


class ResponsePrettyPrinter(pprint.PrettyPrinter):
    """Prints receivers by dotted name and exceptions with their traceback."""

    # pprint's two private hooks: _format lays out what does not fit on a line (so a long
    # traceback is split into lines), _safe_repr writes what does.
    def _format(  # noqa: PLR0917  (pprint's signature)
        self,
        object: object,
        stream: Any,
        indent: int,
        allowance: int,
        context: dict[int, int],
        level: int,
    ) -> None:
        super()._format(_readable(object), stream, indent, allowance, context, level)

    def _safe_repr(
        self, object: object, context: dict[int, int], maxlevels: int, level: int
    ) -> tuple[str, bool, bool]:
        return super()._safe_repr(_readable(object), context, maxlevels, level)


def format_responses(
    obj: Any,
    indent: int = 1,
    width: int = 80,
    depth: int | None = None,
    *,
    compact: bool = False,
    sort_dicts: bool = True,
) -> str:
    """``obj`` (usually a send's responses) pretty-printed, receivers named, errors traced."""
    printer = ResponsePrettyPrinter(
        indent=indent, width=width, depth=depth, compact=compact, sort_dicts=sort_dicts
    )
    return printer.pformat(obj)
