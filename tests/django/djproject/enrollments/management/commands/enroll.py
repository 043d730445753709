"""``manage.py enroll --count N --per-transaction K``: enrollments in transactions of K."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from djproject.enrollments.services import enroll


class Command(BaseCommand):
    help = "Enroll users --first .. --first+--count-1, --per-transaction in each transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--first", type=int, default=1)
        parser.add_argument("--per-transaction", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        first, count, size = options["first"], options["count"], options["per_transaction"]
        for start in range(first, first + count, size):
            with transaction.atomic():
                for user_id in range(start, min(start + size, first + count)):
                    enroll(user_id)
        self.stdout.write(f"enrolled {count}")
