"""The ``openedx-events`` command line."""

from openedx_events.cli.main import main

__all__ = ["main"]
