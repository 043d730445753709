"""``manage.py generate_avro_schemas``: export or check the Avro schema snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openedx_events._private.avro.signal_serializers import AvroSignalSerializer
from openedx_events._private.avro.snapshot import SNAPSHOT_DIR, check_schemas, export_schemas
from openedx_events._private.registry import KNOWN_UNSERIALIZABLE_SIGNALS, load_all_signals
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.exceptions import OpenEdxEventException

# The reference's module offers these names too.
__all__ = [
    "KNOWN_UNSERIALIZABLE_SIGNALS",
    "AvroSignalSerializer",
    "Command",
    "OpenEdxPublicSignal",
    "load_all_signals",
]


class Command(BaseCommand):  # type: ignore[misc]  # Django ships no type information
    """Write the Avro schema of events to the snapshot, or check changes against it."""

    help = (
        "Write the Avro schemas of the given event types (or of every event with --all) to "
        "the snapshot directory; with --check, compare instead and fail on breaking changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Event types and --all (as in the reference), --check and --dir."""
        parser.add_argument(
            "types", nargs="*", metavar="event_type", help="event types to export or check"
        )
        parser.add_argument("--all", action="store_true", help="every event of the catalog")
        parser.add_argument(
            "--check", action="store_true", help="check against the snapshot, write nothing"
        )
        parser.add_argument("--dir", default=str(SNAPSHOT_DIR), help="the snapshot directory")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the export or the check."""
        event_types: list[str] = options["types"]
        if not event_types and not options["all"]:
            raise CommandError("name event types, or pass --all")
        try:
            signals = (
                None
                if options["all"]
                else [OpenEdxPublicSignal.get_signal_by_type(name) for name in event_types]
            )
        except OpenEdxEventException as error:
            raise CommandError(str(error)) from error
        directory = Path(options["dir"])
        if not options["check"]:
            written = export_schemas(directory, signals)
            self.stdout.write(f"wrote {len(written)} schemas to {directory}")
            return
        results = check_schemas(directory, signals)
        for result in results:
            if result.status != "unchanged":
                self.stdout.write(f"{result.status}: {result.event_type}")
            for direction, change in result.changes:
                self.stdout.write(f"  {direction}: {change.kind}: {change.message}")
        breaking = [result.event_type for result in results if result.breaking]
        if breaking:
            raise CommandError(f"breaking schema changes in: {', '.join(breaking)}")
        self.stdout.write(f"{len(results)} schemas checked, no breaking change")
