"""``openedx-events dlq list`` and ``dlq replay`` on a real SQLite bus file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import cli, json_lines

from openedx_events._private.settings import configure
from openedx_events.event_bus import Message
from openedx_events.event_bus.sqlite import SqliteBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

ENROLLMENT = COURSE_ENROLLMENT_CREATED.event_type


class _FailFor:
    """A receiver that fails every attempt at the events whose ids it holds."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def __call__(self, metadata: Any, **kwargs: Any) -> None:
        if str(metadata.id) in self.ids:
            raise RuntimeError(f"cannot handle {metadata.id}")


@pytest.fixture
def failing_receiver() -> Iterator[_FailFor]:
    receiver = _FailFor()
    COURSE_ENROLLMENT_CREATED.connect(receiver, weak=False)
    yield receiver
    COURSE_ENROLLMENT_CREATED.disconnect(receiver)


def _consume(db: Path) -> tuple[list[str], str]:
    result = cli(
        "consume", "--topic", "t", "--group", "g", "--db", str(db), "--until-idle", "--json"
    )
    assert result.exit_code == 0, result.output
    return [event["id"] for event in json_lines(result.stdout)], result.stderr


def test_a_failing_event_is_listed_then_replayed_and_delivered(
    bus_db: Path, failing_receiver: _FailFor
) -> None:
    """An event that fails every attempt is a dead letter; replayed, it is delivered again."""
    configure(EVENT_BUS_CONSUMER_MAX_ATTEMPTS=2, EVENT_BUS_CONSUMER_RETRY_DELAY=0)
    produced = cli("produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db), "--count", "3", "-q")
    ids = produced.output.split()
    failing_receiver.ids.add(ids[1])

    _, stderr = _consume(bus_db)
    assert "dead-lettered 1" in stderr
    listed = cli("dlq", "list", "--topic", "t", "--db", str(bus_db), "--json")
    (letter,) = json.loads(listed.output)
    assert letter["event_id"] == ids[1]
    assert letter["event_type"] == ENROLLMENT
    assert letter["reason"] == "receiver_failed"
    assert letter["attempts"] == 2
    assert letter["group"] == "g"
    assert f"cannot handle {ids[1]}" in letter["error"]
    table = cli("dlq", "list", "--topic", "t", "--db", str(bus_db))
    assert table.stdout.startswith("1 dead letter(s) of t\n")
    assert len(table.stdout.splitlines()) == 5  # a title, then four lines per dead letter
    assert "receiver_failed" in table.output

    failing_receiver.ids.clear()  # the receiver is fixed
    replayed = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db))
    assert replayed.output.strip() == "replayed 1 dead letter(s) to t"
    delivered, stderr = _consume(bus_db)
    assert delivered == [ids[1]]
    assert "dead-lettered 0" in stderr
    again = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db))
    assert again.output.strip() == "replayed 0 dead letter(s) to t"


def test_replay_by_position_and_unknown_positions(bus_db: Path, failing_receiver: _FailFor) -> None:
    """``--position`` replays that dead letter, even twice; an unknown one is a usage error."""
    configure(EVENT_BUS_CONSUMER_MAX_ATTEMPTS=1)
    produced = cli("produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db), "-q")
    failing_receiver.ids.add(produced.output.strip())
    _consume(bus_db)
    (letter,) = json.loads(cli("dlq", "list", "--topic", "t", "--db", str(bus_db), "--json").output)
    position = str(letter["dlq_position"])
    failing_receiver.ids.clear()
    for _ in range(2):
        result = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db), "--position", position)
        assert result.output.strip() == "replayed 1 dead letter(s) to t"
    assert _consume(bus_db)[0] == [letter["event_id"]] * 2
    missing = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db), "--position", "999")
    assert missing.exit_code == 2
    assert "999" in missing.output


def test_list_of_a_topic_without_dead_letters_is_empty(bus_db: Path) -> None:
    """A topic nobody failed on has no dead letters."""
    cli("produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db), "-q")
    assert (
        json.loads(cli("dlq", "list", "--topic", "t", "--db", str(bus_db), "--json").output) == []
    )


def test_a_dead_letter_replayed_by_position_is_not_replayed_again_with_the_rest(
    bus_db: Path, failing_receiver: _FailFor
) -> None:
    """``dlq replay`` after ``dlq replay --position N`` leaves N alone, and lists show it."""
    configure(EVENT_BUS_CONSUMER_MAX_ATTEMPTS=1)
    produced = cli("produce", ENROLLMENT, "--topic", "t", "--db", str(bus_db), "--count", "2")
    ids = [line.split()[2] for line in produced.output.splitlines()]
    failing_receiver.ids.update(ids)
    _consume(bus_db)
    letters = json.loads(cli("dlq", "list", "--topic", "t", "--db", str(bus_db), "--json").output)
    first, second = (str(letter["dlq_position"]) for letter in letters)
    failing_receiver.ids.clear()
    by_position = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db), "--position", first)
    assert by_position.output.strip() == "replayed 1 dead letter(s) to t"
    rest = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db))
    assert rest.output.strip() == "replayed 1 dead letter(s) to t"  # only the second
    assert _consume(bus_db)[0] == ids
    listed = json.loads(cli("dlq", "list", "--topic", "t", "--db", str(bus_db), "--json").output)
    assert [len(letter["replayed_at"]) for letter in listed] == [1, 1]
    shown = cli("dlq", "list", "--topic", "t", "--db", str(bus_db)).stdout.splitlines()
    assert [line for line in shown if line.startswith("#")] == [
        f"#{first}  receiver_failed, 1 attempt(s), {_utc(letters[0]['failed_at'])}, replayed 1x",
        f"#{second}  receiver_failed, 1 attempt(s), {_utc(letters[1]['failed_at'])}, replayed 1x",
    ]
    assert all(len(line) <= 80 for line in shown)


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _undecodable_dead_letter(db: Path) -> str:
    """A record whose payload is not Avro, consumed into a dead letter; its # in the DLQ."""
    configure(EVENT_BUS_CONSUMER_MAX_ATTEMPTS=1)
    cli("produce", ENROLLMENT, "--topic", "t", "--db", str(db), "-q")
    backend = SqliteBackend(db)
    (record,) = backend.read("t")
    backend.append("t", [Message(headers=record.headers, payload=b"\xff\xfe not avro")])
    backend.close()
    _consume(db)
    letters = json.loads(cli("dlq", "list", "--topic", "t", "--db", str(db), "--json").output)
    (letter,) = letters
    assert letter["reason"] == "undecodable"
    assert letter["hopeless"] is True
    return str(letter["dlq_position"])


def test_hopeless_dead_letters_are_replayed_only_when_asked(bus_db: Path) -> None:
    """Undecodable bytes fail again: left out of a replay, refused by position, unless flagged."""
    position = _undecodable_dead_letter(bus_db)
    listed = cli("dlq", "list", "--topic", "t", "--db", str(bus_db))
    assert "would fail again" in listed.stderr
    plain = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db))
    assert plain.stdout.strip() == "replayed 0 dead letter(s) to t"
    assert "left out 1 that would fail again" in plain.stderr
    named = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db), "--position", position)
    assert named.exit_code == 2
    assert f"#{position} (undecodable)" in named.output
    assert "--include-hopeless" in named.output
    forced = cli("dlq", "replay", "--topic", "t", "--db", str(bus_db), "--include-hopeless")
    assert forced.stdout.strip() == "replayed 1 dead letter(s) to t"
