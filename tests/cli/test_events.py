"""``openedx-events events list`` and ``events show``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from cli_helpers import cli

from openedx_events._private.registry import default_registry
from openedx_events.cli._wire import sample_json
from openedx_events.learning.signals import (
    COURSE_ENROLLMENT_CREATED,
    COURSE_NOTIFICATION_REQUESTED,
    FORUM_THREAD_CREATED,
)
from openedx_events.tooling import OpenEdxPublicSignal


def test_list_json_has_every_catalog_event_with_its_signal_and_key(
    reference_events: list[dict[str, Any]],
) -> None:
    """``events list --json`` lists every reference event with the reference's names and keys."""
    result = cli("events", "list", "--json")
    assert result.exit_code == 0
    rows = {row["event_type"]: row for row in json.loads(result.output)}
    expected = {event["event_type"]: event for event in reference_events}
    assert set(rows) == set(expected)
    for event_type, event in expected.items():
        assert rows[event_type]["signal_name"] == event["signal_name"]
        assert rows[event_type]["event_key_field"] == event["event_key_field"]
        if event["bus_compatible"]:
            assert rows[event_type]["bus_compatible"] is True, event_type


@attrs.frozen
class _WithCallback:
    callback: Callable[[], None]


@pytest.fixture
def unmappable_signal() -> Iterator[OpenEdxPublicSignal]:
    """A signal whose data holds a callable, which has no Avro form."""
    signal = OpenEdxPublicSignal(
        "org.openedx.test.cli.unmappable.v1", {"thing": _WithCallback}, signal_name="UNMAPPABLE"
    )
    yield signal
    default_registry.unregister(signal)


def test_list_bus_only_leaves_out_an_event_that_cannot_travel(
    unmappable_signal: OpenEdxPublicSignal,
) -> None:
    """``--bus-only`` drops an event whose data has no Avro mapping; plain ``list`` keeps it."""
    everything = json.loads(cli("events", "list", "--json").output)
    on_bus = {
        row["event_type"]
        for row in json.loads(cli("events", "list", "--bus-only", "--json").output)
    }
    row = next(row for row in everything if row["event_type"] == unmappable_signal.event_type)
    assert row["bus_compatible"] is False
    assert unmappable_signal.event_type not in on_bus
    assert len(on_bus) == len(everything) - 1


def test_list_prints_a_table_naming_each_event_unbroken_in_80_columns() -> None:
    """One row per event, by subdomain: no name is folded, no line is wider than 80."""
    result = cli("events", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("75 events")
    assert all(len(line) <= 80 for line in lines)
    words = [line.split() for line in lines]
    for signal in OpenEdxPublicSignal.all_events():
        rest = signal.event_type.removeprefix("org.openedx.").split(".", 1)[1]
        (index,) = [i for i, line in enumerate(words) if line and line[0] == rest]
        assert words[index + 1][0] == signal.signal_name, signal.event_type
        if signal.event_key_field:
            assert signal.event_key_field in [
                w for line in words[index + 1 : index + 3] for w in line
            ]


@pytest.mark.parametrize(
    "signal",
    [FORUM_THREAD_CREATED, COURSE_NOTIFICATION_REQUESTED, COURSE_ENROLLMENT_CREATED],
    ids=lambda signal: signal.signal_name,
)
def test_the_sample_events_show_prints_is_json_that_produce_accepts(
    bus_db: Path, signal: OpenEdxPublicSignal
) -> None:
    """Copied from an 80-column terminal, the sample goes into ``produce --json`` as it is."""
    shown = cli("events", "show", signal.event_type).output
    sample = shown.split("sample payload (index 0)\n", 1)[1]
    assert json.loads(sample) == sample_json(signal, 0)
    sent = cli("produce", signal.event_type, "--topic", "t", "--json", sample, "--db", str(bus_db))
    assert sent.exit_code == 0, sent.output


def test_show_json_gives_fields_the_reference_schema_and_a_sample(
    reference_events: list[dict[str, Any]],
) -> None:
    """``events show --json`` gives the fields, the reference's Avro schema and a sample."""
    reference = {event["event_type"]: event for event in reference_events}
    event_type = "org.openedx.learning.course.enrollment.created.v1"
    result = cli("events", "show", event_type, "--json")
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["signal_name"] == "COURSE_ENROLLMENT_CREATED"
    assert document["avro_schema"] == reference[event_type]["avro_schema"]
    enrollment = document["data"]["enrollment"]
    assert enrollment["class"] == "CourseEnrollmentData"
    user = next(field for field in enrollment["fields"] if field["name"] == "user")
    assert {field["name"] for field in user["fields"]} >= {"id", "is_active", "pii"}
    sample = document["sample"]["enrollment"]
    assert sample["course"]["course_key"].startswith("course-v1:")
    assert "@" in sample["user"]["pii"]["email"]


def test_show_accepts_a_signal_name() -> None:
    """A signal name such as ``COURSE_ENROLLMENT_CREATED`` names its event too."""
    document = json.loads(cli("events", "show", "COURSE_ENROLLMENT_CREATED", "--json").output)
    assert document["event_type"] == "org.openedx.learning.course.enrollment.created.v1"


def test_show_renders_sections_for_a_terminal() -> None:
    """The rich view names the fields, the schema and the sample payload."""
    result = cli("events", "show", "org.openedx.learning.auth.session.login.completed.v1")
    assert result.exit_code == 0
    for heading in ("fields", "Avro schema", "sample payload", "UserData", "pii"):
        assert heading in result.output


def test_show_says_when_an_event_cannot_travel_on_the_bus(
    unmappable_signal: OpenEdxPublicSignal,
) -> None:
    """An event without an Avro mapping is shown with no schema, and says why."""
    result = cli("events", "show", unmappable_signal.event_type)
    assert result.exit_code == 0
    assert "cannot travel on the event bus" in result.output
    document = json.loads(cli("events", "show", unmappable_signal.event_type, "--json").output)
    assert document["avro_schema"] is None


def test_show_every_reference_schema_matches(reference_events: list[dict[str, Any]]) -> None:
    """For every event the reference can send, ``show --json`` gives the same Avro schema."""
    for event in reference_events:
        if not event["bus_compatible"]:
            continue
        document = json.loads(cli("events", "show", event["event_type"], "--json").output)
        assert document["avro_schema"] == event["avro_schema"], event["event_type"]


def test_show_unknown_type_exits_2_and_suggests_close_matches() -> None:
    """A misspelt event type is a usage error that suggests the closest types."""
    result = cli("events", "show", "org.openedx.learning.course.enrolment.created.v1")
    assert result.exit_code == 2
    assert "Did you mean" in result.output
    assert "org.openedx.learning.course.enrollment.created.v1" in result.output
