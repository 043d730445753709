"""``openedx-events produce``: samples or a JSON payload onto a real SQLite bus."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from cli_helpers import cli, json_lines

from openedx_events.cli._wire import bus_key_field, sample_json
from openedx_events.tooling import OpenEdxPublicSignal, SignalRegistry

ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"


def _tail(db: Path, topic: str) -> list[dict[str, object]]:
    if not db.exists():
        return []
    result = cli(
        "tail", "--topic", topic, "--db", str(db), "--from-beginning", "--no-follow", "--json"
    )
    assert result.exit_code == 0, result.output
    return json_lines(result.output)


def test_produce_sends_consecutive_samples_with_fresh_ids(bus_db: Path) -> None:
    """``--count 3 --index 5`` stores samples 5, 6 and 7, each under the id it printed."""
    result = cli(
        "produce",
        ENROLLMENT,
        "--topic",
        "t",
        "--db",
        str(bus_db),
        "--count",
        "3",
        "--index",
        "5",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    ids = result.output.split()
    stored = _tail(bus_db, "t")
    signal = OpenEdxPublicSignal.get_signal_by_type(ENROLLMENT)
    assert [event["id"] for event in stored] == ids  # type: ignore[index]
    assert [event["data"] for event in stored] == [sample_json(signal, i) for i in (5, 6, 7)]
    assert len(set(ids)) == 3


def test_produce_json_payload_is_stored_as_given(bus_db: Path) -> None:
    """A hand-edited JSON payload goes on the bus exactly as written, keyed by its course."""
    signal = OpenEdxPublicSignal.get_signal_by_type(ENROLLMENT)
    payload = sample_json(signal, 0)
    assert payload is not None
    payload["enrollment"]["course"]["course_key"] = "course-v1:edX+Payload+2025"
    payload["enrollment"]["created_by"] = None
    result = cli(
        "produce",
        "COURSE_ENROLLMENT_CREATED",
        "--topic",
        "t",
        "--db",
        str(bus_db),
        "--json",
        json.dumps(payload),
    )
    assert result.exit_code == 0, result.output
    assert "key course-v1:edX+Payload+2025" in result.output
    (stored,) = _tail(bus_db, "t")
    assert stored["data"] == payload
    assert stored["partitionkey"] == "course-v1:edX+Payload+2025"


def test_produce_reads_the_payload_from_a_file(bus_db: Path, tmp_path: Path) -> None:
    """``--json @FILE`` reads the payload from FILE."""
    signal = OpenEdxPublicSignal.get_signal_by_type(ENROLLMENT)
    path = tmp_path / "payload.json"
    path.write_text(json.dumps(sample_json(signal, 9)))
    result = cli("produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db), "--json", f"@{path}")
    assert result.exit_code == 0, result.output
    assert [event["data"] for event in _tail(bus_db, "t")] == [sample_json(signal, 9)]


def test_produce_rejects_malformed_json_with_its_position(bus_db: Path) -> None:
    """Text that is not JSON is a usage error that says where it breaks."""
    result = cli(
        "produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db), "--json", '{"enrollment": '
    )
    assert result.exit_code == 2
    assert "not JSON" in result.output
    assert "line 1, column" in result.output
    assert _tail(bus_db, "t") == []


def test_produce_names_the_field_a_payload_gets_wrong(bus_db: Path) -> None:
    """A wrongly typed, missing or unknown field is named by its dotted path; nothing is sent."""
    signal = OpenEdxPublicSignal.get_signal_by_type(ENROLLMENT)
    cases = {
        "field 'data.enrollment.user.id': expected an Avro long": ("user", "id", "forty-two"),
        "field 'data.enrollment.course.course_key': could not decode 'nope'": (
            "course",
            "course_key",
            "nope",
        ),
    }
    for expected, (record, field, value) in cases.items():
        payload = sample_json(signal, 0)
        assert payload is not None
        payload["enrollment"][record][field] = value
        result = cli(
            "produce",
            ENROLLMENT,
            "--topic",
            "t",
            "--db",
            str(bus_db),
            "--json",
            json.dumps(payload),
        )
        assert result.exit_code == 2
        assert expected in result.output
    payload = sample_json(signal, 0)
    assert payload is not None
    del payload["enrollment"]["mode"]
    result = cli(
        "produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db), "--json", json.dumps(payload)
    )
    assert result.exit_code == 2
    assert "field 'data.enrollment.mode': missing field" in result.output
    assert _tail(bus_db, "t") == []


def test_produce_unknown_type_suggests_close_names(bus_db: Path) -> None:
    """A misspelt signal name is a usage error that suggests the right one."""
    result = cli("produce", "COURSE_ENROLLMENT_CREATD", "--topic", "t", "--db", str(bus_db))
    assert result.exit_code == 2
    assert "Did you mean: COURSE_ENROLLMENT_CREATED" in result.output


def test_produce_accepts_a_cloudevent_as_consume_prints_it(bus_db: Path) -> None:
    """A CloudEvent from ``tail --json`` can be sent again: same data, fresh id."""
    cli("produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db), "--index", "3")
    (original,) = _tail(bus_db, "t")
    result = cli(
        "produce", ENROLLMENT, "--topic", "u", "--db", str(bus_db), "--json", json.dumps(original)
    )
    assert result.exit_code == 0, result.output
    (copy,) = _tail(bus_db, "u")
    assert copy["data"] == original["data"]
    assert copy["type"] == original["type"]
    assert copy["id"] != original["id"]


def test_produce_rejects_a_cloudevent_of_another_type(bus_db: Path) -> None:
    """A CloudEvent must be of the type named on the command line."""
    cli("produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db))
    (original,) = _tail(bus_db, "t")
    result = cli(
        "produce",
        "SESSION_LOGIN_COMPLETED",
        "--topic",
        "t",
        "--db",
        str(bus_db),
        "--json",
        json.dumps(original),
    )
    assert result.exit_code == 2
    assert f"the CloudEvent is of type '{ENROLLMENT}'" in result.output


def test_produce_sends_an_event_whose_documented_key_path_leads_nowhere(bus_db: Path) -> None:
    """ROLE_ASSIGNMENT_CREATED documents the key user.pii.username, which its data lacks: the
    event is sent without a key instead of failing."""
    signal = OpenEdxPublicSignal.get_signal_by_type("org.openedx.authz.role_assignment.created")
    assert signal.event_key_field == "user.pii.username"
    assert bus_key_field(signal) is None
    result = cli("produce", "ROLE_ASSIGNMENT_CREATED", "--topic", "t", "--db", str(bus_db))
    assert result.exit_code == 0, result.output
    assert "(key" not in result.output
    (stored,) = _tail(bus_db, "t")
    assert stored["type"] == "org.openedx.authz.role_assignment.created"
    assert "partitionkey" not in stored
    assert stored["data"] == sample_json(signal, 0)


@attrs.frozen
class _Note:
    text: str


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("note.text", "note.text"),
        ("user.pii.username", None),
        ("note.missing", None),
        ("note.text.deeper", None),
        (None, None),
    ],
)
def test_bus_key_field_is_the_key_path_only_when_it_leads_to_a_value(
    path: str | None, expected: str | None
) -> None:
    """The commands key a message by the signal's key field only when the data has that path."""
    signal = OpenEdxPublicSignal(
        "org.openedx.test.keyed.v1",
        {"note": _Note},
        event_key_field=path,
        registry=SignalRegistry(),
    )
    assert bus_key_field(signal) == expected
    assert bus_key_field(OpenEdxPublicSignal.get_signal_by_type(ENROLLMENT)) == (
        "enrollment.course.course_key"
    )
