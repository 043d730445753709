"""The consumer runtime, on every backend: delivery, retries, dead letters, replay, stopping."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from _bus_helpers import Clock

from openedx_events.event_bus import (
    Backend,
    BusConsumer,
    BusProducer,
    ConsumerConfigurationError,
    ConsumerStoppedError,
    Message,
    Position,
    RetryPolicy,
    dead_letter_topic,
    list_dead_letters,
    replay_dead_letters,
)
from openedx_events.event_bus._private.deadletter import REPLAY_GROUP
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED, SESSION_LOGIN_COMPLETED
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

FAST = RetryPolicy(max_attempts=3, initial_delay=0.001, max_delay=0.002)
SIGNAL = COURSE_ENROLLMENT_CREATED


@pytest.fixture
def connect() -> Iterator[Callable[..., Any]]:
    """Connect receivers to a signal for one test only."""
    connected: list[tuple[OpenEdxPublicSignal, Any]] = []

    def do(receiver: Any, signal: OpenEdxPublicSignal = SIGNAL) -> Any:
        signal.connect(receiver, weak=False)
        connected.append((signal, receiver))
        return receiver

    yield do
    for signal, receiver in connected:
        signal.disconnect(receiver)


def _produce(backend: Backend, count: int, topic: str = "enrollments", start: int = 0) -> list[str]:
    producer = BusProducer(backend)
    events = [
        (sample_event_data(SIGNAL, i), SIGNAL.generate_signal_metadata())
        for i in range(start, start + count)
    ]
    producer.send_batch(
        signal=SIGNAL, topic=topic, event_key_field=SIGNAL.event_key_field, events=events
    )
    return [str(metadata.id) for _, metadata in events]


def _consumer(backend: Backend, **kwargs: Any) -> BusConsumer:
    options: dict[str, Any] = {"topic": "enrollments", "group_id": "g", "retry": FAST}
    options.update(kwargs)
    return BusConsumer(backend, **options)


class Recorder:
    """A receiver that records what it got, and fails the first ``failures`` calls per event."""

    def __init__(self, failures: int = 0, always_fail: Callable[[Any], bool] | None = None):
        self.failures = failures
        self.always_fail = always_fail
        self.calls: dict[str, int] = {}
        self.delivered: list[str] = []
        self.from_bus: set[bool] = set()

    def __call__(self, metadata: Any, from_event_bus: bool, **data: Any) -> None:
        key = str(metadata.id)
        self.calls[key] = self.calls.get(key, 0) + 1
        if self.always_fail is not None and self.always_fail(data):
            raise RuntimeError(f"cannot handle {key}")
        if self.calls[key] <= self.failures:
            raise ConnectionError(f"attempt {self.calls[key]} failed")
        self.delivered.append(key)
        self.from_bus.add(from_event_bus)


def test_every_event_reaches_the_receivers_marked_as_from_the_bus(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    ids = _produce(backend, 25)
    got: list[tuple[str, Any]] = []

    def receiver(metadata: Any, enrollment: Any, from_event_bus: bool, **kwargs: Any) -> None:
        assert from_event_bus is True
        got.append((str(metadata.id), enrollment))

    connect(receiver)
    stats = _consumer(backend, batch_size=7).run(until_idle=True)
    assert [event_id for event_id, _ in got] == ids
    assert got[3][1] == sample_event_data(SIGNAL, 3)["enrollment"]
    assert stats.delivered == 25
    (group,) = backend.groups("enrollments")
    assert (group.lag, group.pending) == (0, 0)


def test_a_receiver_failing_twice_is_retried_and_the_others_get_the_event_once(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    ids = _produce(backend, 3)
    flaky, steady = connect(Recorder(failures=2)), connect(Recorder())
    stats = _consumer(backend).run(until_idle=True)
    assert flaky.delivered == ids
    assert all(count == 3 for count in flaky.calls.values())
    assert all(count == 1 for count in steady.calls.values())
    assert (stats.retries, stats.dead_lettered) == (6, 0)
    assert backend.read(dead_letter_topic("enrollments")) == []


def test_an_event_whose_receiver_always_fails_is_dead_lettered_and_the_stream_goes_on(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    ids = _produce(backend, 5)
    bad_id = ids[2]
    recorder = connect(Recorder(always_fail=lambda data: _is(data, 2)))
    stats = _consumer(backend).run(until_idle=True)
    assert recorder.delivered == [i for i in ids if i != bad_id]
    (letter,) = list_dead_letters(backend, "enrollments")
    assert letter.event_id == bad_id
    assert letter.event_type == SIGNAL.event_type
    assert (letter.reason, letter.attempts, letter.group) == ("receiver_failed", 3, "g")
    assert "RuntimeError: cannot handle" in letter.error
    assert letter.position == str(backend.read("enrollments")[2].position)
    assert stats.dead_lettered == 1
    assert backend.groups("enrollments")[0].lag == 0


def _is(data: dict[str, Any], index: int) -> bool:
    return bool(data["enrollment"] == sample_event_data(SIGNAL, index)["enrollment"])


def test_an_unknown_event_type_and_a_corrupt_payload_are_dead_lettered(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    good = _produce(backend, 1)
    (record,) = backend.read("enrollments")
    unknown = dict(record.headers, type="org.openedx.learning.no.such.event.v1")
    backend.append("enrollments", [Message(headers=unknown, payload=record.payload)])
    backend.append("enrollments", [Message(headers=record.headers, payload=b"\xff\x00garbage")])
    later = _produce(backend, 1, start=1)
    recorder = connect(Recorder())
    _consumer(backend).run(until_idle=True)
    assert recorder.delivered == good + later
    letters = list_dead_letters(backend, "enrollments")
    assert [letter.reason for letter in letters] == ["unknown_event_type", "undecodable"]
    assert "no.such.event" in letters[0].error
    assert letters[1].record.payload == b"\xff\x00garbage"


def test_the_consumer_stops_after_too_many_consecutive_errors_having_committed_them(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    _produce(backend, 6)
    connect(Recorder(always_fail=lambda data: True))
    consumer = _consumer(backend, max_consecutive_errors=3)
    with pytest.raises(ConsumerStoppedError, match=r"3 consecutive errors.*cannot handle"):
        consumer.run()
    assert len(list_dead_letters(backend, "enrollments")) == 3
    assert backend.groups("enrollments")[0].lag == 3


def test_the_pre_event_hook_runs_before_every_attempt_and_its_failure_is_retried(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    ids = _produce(backend, 2)
    recorder = connect(Recorder())
    hook_calls: list[int] = []

    def hook() -> None:
        hook_calls.append(len(recorder.delivered))
        if len(hook_calls) == 1:
            raise OSError("database went away")

    _consumer(backend, pre_event_hook=hook).run(until_idle=True)
    assert recorder.delivered == ids
    assert hook_calls == [0, 0, 1]


def test_replay_from_a_position_delivers_those_events_again(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    ids = _produce(backend, 4)
    recorder = connect(Recorder())
    _consumer(backend).run(until_idle=True)
    third = backend.read("enrollments")[2].position
    _consumer(backend, position=third).run(until_idle=True)
    assert recorder.delivered == ids + ids[2:]


def test_replay_from_a_time_delivers_the_events_appended_since(
    backend: Backend, clock: Clock, connect: Callable[..., Any]
) -> None:
    old = _produce(backend, 2)
    clock.advance(100)
    new = _produce(backend, 2, start=2)
    recorder = connect(Recorder())
    _consumer(backend).run(until_idle=True)
    since = clock.when(-60)
    _consumer(backend, offset_time=since).run(until_idle=True)
    assert recorder.delivered == old + new + new


def test_the_idempotency_guard_skips_events_the_group_already_processed(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    if not backend.keeps_processed_ids:
        with pytest.raises(ConsumerConfigurationError, match="idempotency guard"):
            _consumer(backend, idempotent=True)
        return
    ids = _produce(backend, 3)
    recorder = connect(Recorder())
    _consumer(backend, idempotent=True).run(until_idle=True)
    stats = _consumer(backend, idempotent=True, position=0).run(until_idle=True)
    assert recorder.delivered == ids
    assert stats.skipped == 3
    _consumer(backend, idempotent=True, group_id="other").run(until_idle=True)
    assert recorder.delivered == ids + ids


def test_replayed_dead_letters_are_delivered_again_once(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    ids = _produce(backend, 2)
    broken = [True]
    recorder = connect(Recorder(always_fail=lambda data: broken[0]))
    _consumer(backend).run(until_idle=True)
    assert len(list_dead_letters(backend, "enrollments")) == 2
    broken[0] = False
    assert len(replay_dead_letters(backend, "enrollments")) == 2
    assert replay_dead_letters(backend, "enrollments") == []
    _consumer(backend).run(until_idle=True)
    assert recorder.delivered == ids
    first = list_dead_letters(backend, "enrollments")[0].record.position
    assert len(replay_dead_letters(backend, "enrollments", positions=[first])) == 1


def test_replays_tracked_before_the_replay_log_still_count(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    """A bus replayed by an older version (a bookkeeping group) does not replay those again."""
    _produce(backend, 2)
    connect(Recorder(always_fail=lambda data: True))
    _consumer(backend).run(until_idle=True)
    dlq = dead_letter_topic("enrollments")
    (first,) = backend.claim(dlq, REPLAY_GROUP, REPLAY_GROUP, limit=1)
    backend.commit(dlq, REPLAY_GROUP, REPLAY_GROUP, [first])
    letters = list_dead_letters(backend, "enrollments")
    assert [len(letter.replayed_at) for letter in letters] == [1, 0]
    assert len(replay_dead_letters(backend, "enrollments")) == 1  # only the second


def test_stop_finishes_the_current_event_commits_and_returns(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    _produce(backend, 10)
    consumer = _consumer(backend, batch_size=10)
    delivered: list[str] = []

    def receiver(metadata: Any, **kwargs: Any) -> None:
        delivered.append(str(metadata.id))
        if len(delivered) == 4:
            threading.Thread(target=consumer.stop).start()
            threading.Event().wait(0.05)  # the stop lands while this event is in flight

    connect(receiver)
    consumer.run()
    assert len(delivered) == 4
    assert backend.groups("enrollments")[0].committed == backend.read("enrollments")[3].position
    # The rest of the batch was given back: another consumer takes it at once.
    rest = BusConsumer(backend, topic="enrollments", group_id="g", consumer_name="next")
    assert rest.run(until_idle=True).delivered == 6


def test_other_signals_are_delivered_from_the_same_topic(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    data = sample_event_data(SESSION_LOGIN_COMPLETED, 0)
    BusProducer(backend).send(
        signal=SESSION_LOGIN_COMPLETED,
        topic="enrollments",
        event_key_field=None,
        event_data=data,
        event_metadata=SESSION_LOGIN_COMPLETED.generate_signal_metadata(),
    )
    got: list[Any] = []
    connect(lambda user, **kwargs: got.append(user), SESSION_LOGIN_COMPLETED)
    _consumer(backend).run(until_idle=True)
    assert got == [data["user"]]


def test_a_slow_batch_is_committed_as_it_goes(
    backend: Backend, connect: Callable[..., Any]
) -> None:
    _produce(backend, 4)
    positions = [r.position for r in backend.read("enrollments")]
    committed_before_each: list[Position | None] = []
    connect(
        lambda **kwargs: committed_before_each.append(backend.groups("enrollments")[0].committed)
    )
    _consumer(backend, batch_size=10, commit_interval=0.0).run(until_idle=True)
    assert committed_before_each == [None, *positions[:3]]
