"""``openedx-events topics`` and ``trim`` on a real SQLite bus file."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import cli

from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

ENROLLMENT = COURSE_ENROLLMENT_CREATED.event_type


def _bus_with_a_group_behind(db: Path) -> list[str]:
    """Three events in topic ``t``; group ``g`` has handled the first two."""
    produced = cli("produce", ENROLLMENT, "--topic", "t", "--db", str(db), "--count", "3", "-q")
    consumed = cli("consume", "--topic", "t", "--group", "g", "--db", str(db), "--max-events", "2")
    assert consumed.exit_code == 0, consumed.output
    return produced.output.split()


def _remaining(db: Path) -> int:
    tailed = cli("tail", "--topic", "t", "--db", str(db), "--from-beginning", "--no-follow")
    return len(tailed.stdout.splitlines())


def test_topics_lists_records_groups_and_lag(bus_db: Path) -> None:
    """Each topic with its record count, and each group with how far behind it is."""
    _bus_with_a_group_behind(bus_db)
    listed = cli("topics", "--db", str(bus_db))
    assert listed.exit_code == 0, listed.output
    (row,) = [line for line in listed.stdout.splitlines() if "│ t " in line]
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells[0] == "t"
    assert cells[1] == "3"  # records
    assert cells[3] == "g"
    assert cells[5] == "1"  # lag


def test_trim_deletes_only_what_every_group_handled(bus_db: Path) -> None:
    """The record the group has not handled stays until --unconsumed."""
    _bus_with_a_group_behind(bus_db)
    trimmed = cli("trim", "--topic", "t", "--older-than", "0s", "--db", str(bus_db))
    assert trimmed.exit_code == 0, trimmed.output
    assert trimmed.stdout.startswith("deleted 2 record(s) of t")
    assert _remaining(bus_db) == 1
    forced = cli("trim", "--topic", "t", "--older-than", "0s", "--unconsumed", "--db", str(bus_db))
    assert forced.stdout.startswith("deleted 1 record(s) of t")
    assert _remaining(bus_db) == 0


def test_trim_keeps_records_younger_than_the_age(bus_db: Path) -> None:
    """--older-than 1d leaves the records appended just now."""
    _bus_with_a_group_behind(bus_db)
    trimmed = cli("trim", "--topic", "t", "--older-than", "1d", "--unconsumed", "--db", str(bus_db))
    assert trimmed.stdout.startswith("deleted 0 record(s)")
    assert _remaining(bus_db) == 3


def test_a_malformed_age_is_a_usage_error(bus_db: Path) -> None:
    """An age that is not a duration names the accepted forms."""
    result = cli("trim", "--topic", "t", "--older-than", "a week", "--db", str(bus_db))
    assert result.exit_code == 2
    assert "not a duration like 90s, 15m, 12h, 7d or 2w" in result.output


def test_topics_fits_80_columns_with_long_names(bus_db: Path) -> None:
    """Long topic and group names fold inside their columns; the right edge stays."""
    topic, group = "learning-course-enrollment-" * 3, "a-consumer-group-with-a-long-name"
    cli("produce", ENROLLMENT, "--topic", topic, "--db", str(bus_db), "--count", "2", "-q")
    consumed = cli(
        "consume", "--topic", topic, "--group", group, "--db", str(bus_db), "--max-events", "1"
    )
    assert consumed.exit_code == 0, consumed.output
    lines = cli("topics", "--db", str(bus_db)).stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[-1].startswith("└")
    assert lines[-1].endswith("┘")
    (listed,) = json.loads(cli("topics", "--db", str(bus_db), "--json").stdout)
    assert listed["topic"] == topic
    assert listed["groups"][0]["group"] == group
    assert listed["groups"][0]["lag"] == 1
