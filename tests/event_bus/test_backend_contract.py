"""The backend contract: every backend (memory, SQLite, Redis, Kafka) passes these same tests.

Time is a :class:`Clock` the tests move: by hand for the backends that take a clock, for real
(scaled down, with the claim timeout scaled alike) for those whose server keeps the time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _bus_helpers import TIME_SCALE, Clock, ScaledClock

from openedx_events.event_bus import Backend, Message
from openedx_events.event_bus.memory import MemoryBackend
from openedx_events.event_bus.sqlite import SqliteBackend


@pytest.fixture(params=["memory", "sqlite", "redis", "kafka"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each backend in turn, with the clock it keeps time by (see ``clock``)."""
    made: Backend
    if request.param == "memory":
        made = MemoryBackend(claim_timeout=30.0, clock=request.getfixturevalue("clock"))
    elif request.param == "sqlite":
        made = SqliteBackend(
            tmp_path / "bus.db", claim_timeout=30.0, clock=request.getfixturevalue("clock")
        )
    else:  # a fixture of its own closes a backend with a server
        made = request.getfixturevalue(f"{request.param}_backend")
    yield made
    if request.param in ("memory", "sqlite"):
        made.close()


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Clock:
    """The hand-moved clock, or the real one scaled down for a backend with a server."""
    if "redis" in request.node.callspec.params.get("backend", ""):
        return ScaledClock(TIME_SCALE)
    return Clock()


def _messages(count: int, start: int = 0) -> list[Message]:
    return [
        Message(headers={"type": "t", "id": f"id-{i}"}, payload=bytes([i % 256]) * 3, key=f"k{i}")
        for i in range(start, start + count)
    ]


def _ids(records: list) -> list[str]:  # type: ignore[type-arg]  # records of any backend
    return [r.headers["id"] for r in records]


def test_append_returns_increasing_positions_and_read_returns_the_messages(
    backend: Backend,
) -> None:
    positions = backend.append("orders", _messages(3))
    assert positions == sorted(positions)
    assert len(set(positions)) == 3
    records = backend.read("orders")
    assert [r.position for r in records] == positions
    assert records[0].headers == {"type": "t", "id": "id-0"}
    assert records[1].payload == b"\x01\x01\x01"
    assert records[2].key == ("k2" if backend.stores_keys else None)
    assert records[0].topic == "orders"
    assert records[0].defect is None


def test_read_after_a_position_with_a_limit_and_commits_nothing(backend: Backend) -> None:
    positions = backend.append("orders", _messages(5))
    assert _ids(backend.read("orders", after=positions[1], limit=2)) == ["id-2", "id-3"]
    assert backend.claim("orders", "g", "c1", limit=10)  # reading did not consume anything
    assert backend.read("orders", after=positions[-1]) == []


def test_topics_are_isolated_and_odd_names_are_plain_data(backend: Backend) -> None:
    if not backend.any_topic_name:
        pytest.skip("this backend allows only some characters in topic names")
    odd = 'weird\'; DROP TABLE bus_messages; -- "名前" 🙂 %s ?'
    backend.append(odd, _messages(2))
    backend.append("plain", _messages(1, start=10))
    assert _ids(backend.read(odd)) == ["id-0", "id-1"]
    assert _ids(backend.read("plain")) == ["id-10"]
    assert {t.name: t.length for t in backend.topics()} == {odd: 2, "plain": 1}


@pytest.mark.parametrize("topic", ["", "tab\there", "x" * 250])
def test_an_unusable_topic_name_is_a_clear_error(backend: Backend, topic: str) -> None:
    with pytest.raises(ValueError, match="topic"):
        backend.append(topic, _messages(1))


def test_a_batch_is_split_between_consumers_of_one_group(backend: Backend) -> None:
    if not backend.shares_records:
        pytest.skip("this backend shares whole partitions, not single records")
    backend.append("t", _messages(10))
    first = backend.claim("t", "g", "c1", limit=4)
    second = backend.claim("t", "g", "c2", limit=100)
    assert _ids(first) == [f"id-{i}" for i in range(4)]
    assert _ids(second) == [f"id-{i}" for i in range(4, 10)]
    assert backend.claim("t", "g", "c3") == []


def test_each_group_gets_every_record(backend: Backend) -> None:
    backend.append("t", _messages(3))
    assert len(backend.claim("t", "billing", "c")) == 3
    assert len(backend.claim("t", "search", "c")) == 3


def test_a_committed_claim_is_not_delivered_again(backend: Backend) -> None:
    backend.append("t", _messages(3))
    records = backend.claim("t", "g", "c")
    assert backend.commit("t", "g", "c", records)
    assert backend.claim("t", "g", "c") == []
    backend.append("t", _messages(1, start=3))
    assert _ids(backend.claim("t", "g", "c")) == ["id-3"]


def test_a_consumer_that_restarts_resumes_after_its_last_commit(backend: Backend) -> None:
    backend.append("t", _messages(5))
    records = backend.claim("t", "g", "c")
    backend.commit("t", "g", "c", records[:2])
    # The same consumer asks again, as after a crash: it gets what it had not committed.
    assert _ids(backend.claim("t", "g", "c")) == ["id-2", "id-3", "id-4"]


def test_a_claim_passes_to_another_consumer_only_after_the_timeout(
    backend: Backend, clock: Clock
) -> None:
    if not backend.shares_records:
        pytest.skip("this backend shares whole partitions, not single records")
    backend.append("t", _messages(3))
    held = backend.claim("t", "g", "dead")
    assert backend.claim("t", "g", "alive") == []
    clock.advance(31)
    assert _ids(backend.claim("t", "g", "alive")) == ["id-0", "id-1", "id-2"]
    # The first consumer lost its claim: its late commit is refused.
    assert not backend.commit("t", "g", "dead", held[:1])


def test_heartbeats_keep_a_claim(backend: Backend, clock: Clock) -> None:
    if not backend.shares_records:
        pytest.skip("this backend shares whole partitions, not single records")
    backend.append("t", _messages(2))
    backend.claim("t", "g", "slow")
    clock.advance(20)
    backend.heartbeat("t", "g", "slow")
    clock.advance(20)
    assert backend.claim("t", "g", "other") == []


def test_a_released_claim_passes_on_at_once(backend: Backend) -> None:
    backend.append("t", _messages(4))
    records = backend.claim("t", "g", "leaving")
    backend.commit("t", "g", "leaving", records[:1])
    backend.release("t", "g", "leaving")
    assert _ids(backend.claim("t", "g", "staying")) == ["id-1", "id-2", "id-3"]


def test_seek_replays_from_a_position_and_drops_claims(backend: Backend) -> None:
    positions = backend.append("t", _messages(4))
    records = backend.claim("t", "g", "c")
    backend.commit("t", "g", "c", records)
    backend.seek("t", "g", positions[2])
    again = backend.claim("t", "g", "c")
    assert _ids(again) == ["id-2", "id-3"]
    backend.seek("t", "g", positions[0])
    assert not backend.commit("t", "g", "c", again)
    assert len(backend.claim("t", "g", "c")) == 4
    backend.seek("t", "g", None)
    assert len(backend.claim("t", "g", "other")) == 4


def test_position_at_finds_the_first_record_appended_since_a_time(
    backend: Backend, clock: Clock
) -> None:
    backend.append("t", _messages(2))
    clock.advance(60)
    when = clock.when()
    later = backend.append("t", _messages(2, start=2))
    assert backend.position_at("t", when) == later[0]
    clock.advance(60)
    past_everything = backend.position_at("t", clock.when())
    assert past_everything > later[-1]  # type: ignore[operator]  # one backend's positions
    backend.seek("t", "g", past_everything)
    assert backend.claim("t", "g", "c") == []
    backend.append("t", _messages(1, start=4))
    assert _ids(backend.claim("t", "g", "c")) == ["id-4"]


def test_positions_print_and_parse_back(backend: Backend) -> None:
    positions = backend.append("t", _messages(2))
    assert [backend.parse_position(str(p)) for p in positions] == positions
    with pytest.raises(ValueError, match=r"."):
        backend.parse_position("not a position")


def test_processed_ids_are_remembered_per_group(backend: Backend) -> None:
    if not backend.keeps_processed_ids:
        pytest.skip("this backend keeps no idempotency guard")
    backend.append("t", _messages(2))
    records = backend.claim("t", "g", "c")
    backend.commit("t", "g", "c", records, processed_ids=["id-0", "id-1"])
    assert backend.processed("t", "g", ["id-0", "id-1", "id-9"]) == {"id-0", "id-1"}
    assert backend.processed("t", "other", ["id-0"]) == set()


def test_groups_report_committed_position_lag_and_pending(backend: Backend) -> None:
    if not backend.shares_records:
        pytest.skip("this backend shares whole partitions, not single records")
    positions = backend.append("t", _messages(6))
    held = backend.claim("t", "g", "c1", limit=2)
    records = backend.claim("t", "g", "c2", limit=3)
    backend.commit("t", "g", "c2", records)
    (info,) = backend.groups("t")
    # c1 still holds the first two records, so nothing is committed past them; the group
    # has yet to handle those two and the one nobody had.
    assert info.committed is None or info.committed < positions[0]  # type: ignore[operator]
    assert (info.lag, info.pending, info.consumers) == (3, 2, ("c1",))
    backend.commit("t", "g", "c1", held)
    (info,) = backend.groups("t")
    assert (info.committed, info.lag, info.pending, info.consumers) == (positions[4], 1, 0, ())
    assert backend.groups("elsewhere") == []


def test_topics_report_length_and_last_position(backend: Backend) -> None:
    assert backend.topics() == []
    positions = backend.append("t", _messages(3))
    (info,) = backend.topics()
    assert (info.name, info.length, info.last_position) == ("t", 3, positions[-1])


def _consume(backend: Backend, topic: str, group: str, count: int) -> None:
    records = backend.claim(topic, group, "c", limit=count)
    backend.commit(topic, group, "c", records)


def test_trim_deletes_old_records_every_group_has_committed(backend: Backend, clock: Clock) -> None:
    old = backend.append("t", _messages(4))
    clock.advance(100)
    new = backend.append("t", _messages(2, start=4))
    _consume(backend, "t", "fast", 6)
    _consume(backend, "t", "slow", 3)
    assert backend.trim("t", before=clock.when(-60)) == 3  # "slow" has not handled id-3
    assert _ids(backend.read("t")) == ["id-3", "id-4", "id-5"]
    (info,) = backend.topics()
    assert (info.length, info.last_position) == (3, new[-1])
    assert backend.claim("t", "slow", "c")[0].position == old[3]
    assert {g.group: g.lag for g in backend.groups("t")} == {"fast": 0, "slow": 3}


def test_trim_keeps_what_no_group_has_handled_unless_told_otherwise(
    backend: Backend, clock: Clock
) -> None:
    backend.append("t", _messages(3))
    clock.advance(100)
    assert backend.trim("t", before=clock.when()) == 0  # no group has read anything yet
    backend.claim("t", "g", "c", limit=2)  # claimed is not committed
    assert backend.trim("t", before=clock.when()) == 0
    assert backend.trim("t", before=clock.when(), unconsumed=True) == 3
    assert backend.read("t") == []
    assert backend.claim("t", "g", "c") == []


def test_positions_are_not_reused_after_a_trim(backend: Backend, clock: Clock) -> None:
    first = backend.append("t", _messages(2))
    clock.advance(1)
    backend.trim("t", before=clock.when(), unconsumed=True)
    again = backend.append("t", _messages(1, start=2))
    assert again[0] > first[-1]  # type: ignore[operator]  # positions of one backend
    (info,) = backend.topics()
    assert (info.length, info.last_position) == (1, again[0])


def test_trim_forgets_processed_ids_older_than_the_cutoff(backend: Backend, clock: Clock) -> None:
    if not backend.keeps_processed_ids:
        pytest.skip("this backend keeps no idempotency guard")
    backend.append("t", _messages(2))
    records = backend.claim("t", "g", "c", limit=1)
    backend.commit("t", "g", "c", records, processed_ids=["id-0"])
    clock.advance(100)
    records = backend.claim("t", "g", "c", limit=1)
    backend.commit("t", "g", "c", records, processed_ids=["id-1"])
    backend.trim("t", before=clock.when(-60))
    assert backend.processed("t", "g", ["id-0", "id-1"]) == {"id-1"}


def test_trim_touches_only_its_topic(backend: Backend, clock: Clock) -> None:
    backend.append("t", _messages(2))
    backend.append("other", _messages(2))
    clock.advance(60)
    assert backend.trim("t", before=clock.when(), unconsumed=True) == 2
    assert _ids(backend.read("other")) == ["id-0", "id-1"]
