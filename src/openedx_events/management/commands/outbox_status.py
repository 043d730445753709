"""``manage.py outbox_status``: the outbox's depth, oldest unsent age and relay errors."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openedx_events.django.status import outbox_status

__all__ = ["Command"]


class Command(BaseCommand):  # type: ignore[misc]  # Django ships no type information
    """Show what the outbox holds."""

    help = "Show how many events the outbox holds unsent, the oldest one's age, relay errors."

    def add_arguments(self, parser: CommandParser) -> None:
        """--json and --database."""
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--database", default=None, help="the outbox's database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the status."""
        status = outbox_status(options["database"])
        if options["json"]:
            self.stdout.write(json.dumps(status.to_json_data()))
            return
        for line in status.summary():
            self.stdout.write(line)
