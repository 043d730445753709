"""``openedx-events dlq list`` and ``dlq replay`` on a real SQLite bus file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import cli, json_lines

from openedx_events._private.settings import configure
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
    assert "1 dead letter(s) of t" in table.output
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
