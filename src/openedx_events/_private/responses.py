"""Readable text of the ``(receiver, response)`` pairs a send returns, for logs."""

from __future__ import annotations

import pprint
import traceback
from typing import Any

__all__ = ["ResponsePrettyPrinter", "format_responses"]


class ResponsePrettyPrinter(pprint.PrettyPrinter):
    """Prints receivers by dotted name and exceptions with their traceback."""

    def _format(self, obj: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(obj, BaseException):
            obj = "".join(traceback.format_exception(type(obj), obj, obj.__traceback__))
        elif callable(obj):
            obj = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"
        super()._format(obj, *args, **kwargs)  # type: ignore[misc]  # a private hook of pprint


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
