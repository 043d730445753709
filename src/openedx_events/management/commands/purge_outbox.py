"""``manage.py purge_outbox --older-than 7d``: delete rows the relay sent long ago."""

from __future__ import annotations

from typing import Any

import click
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openedx_events.cli.topics import Duration
from openedx_events.django.outbox import purge_sent

__all__ = ["Command"]


class Command(BaseCommand):  # type: ignore[misc]  # Django ships no type information
    """Delete old sent rows of the outbox."""

    help = "Delete the outbox rows sent longer ago than --older-than; unsent rows are kept."

    def add_arguments(self, parser: CommandParser) -> None:
        """--older-than and --database."""
        parser.add_argument(
            "--older-than", required=True, help="a duration: 90s, 15m, 12h, 7d or 2w"
        )
        parser.add_argument("--database", default=None, help="the outbox's database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        """Delete, then say how many rows went."""
        try:
            older_than = Duration().convert(options["older_than"], None, None)
        except click.BadParameter as error:
            raise CommandError(f"--older-than: {error.message}") from error
        deleted = purge_sent(older_than, options["database"])
        self.stdout.write(f"deleted {deleted} sent row(s) older than {options['older_than']}")
