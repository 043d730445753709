"""Readable text of the ``(receiver, response)`` pairs a send returns, for logs."""

from __future__ import annotations

import pprint
import traceback
from typing import Any

__all__ = ["ResponsePrettyPrinter", "format_responses"]


class ResponsePrettyPrinter(pprint.PrettyPrinter):
    """Prints receivers by dotted name and exceptions with their traceback."""

    def _format(  # noqa: PLR0917  (pprint's private hook, the one every value passes through)
        self,
        object: object,
        stream: Any,
        indent: int,
        allowance: int,
        context: dict[int, int],
        level: int,
    ) -> None:
        if isinstance(object, BaseException):
            object = "".join(traceback.format_exception(type(object), object, object.__traceback__))
        elif callable(object):
            module = getattr(object, "__module__", "?")
            object = f"{module}.{getattr(object, '__qualname__', repr(object))}"
        super()._format(object, stream, indent, allowance, context, level)


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
