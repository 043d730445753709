"""Helpers for logging what receivers returned, at the reference's import path."""

from openedx_events._private.responses import ResponsePrettyPrinter, format_responses

__all__ = ["ResponsePrettyPrinter", "format_responses"]
