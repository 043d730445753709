"""OpenEdxPublicSignal: validation, metadata stamping, robust and strict dispatch, switches."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import attrs
import pytest

from openedx_events import (
    EventsMetadata,
    InstantiationError,
    SenderValidationError,
    SignalRegistry,
)
from openedx_events._private.metadata import library_version_tuple
from openedx_events.learning.data import UserData, UserPersonalData
from openedx_events.learning.signals import STUDENT_REGISTRATION_COMPLETED
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal


@attrs.frozen
class Score:
    """A small data class for signals defined by these tests."""

    points: int
    label: str = ""


def make_signal(**data: type) -> OpenEdxPublicSignal:
    """A signal of its own registry, so tests never touch the catalog's."""
    return OpenEdxPublicSignal(
        "org.openedx.test.score.changed.v1",
        data or {"score": Score},
        minor_version=2,
        registry=SignalRegistry(),
    )


class Recorder:
    """A receiver that keeps the keyword arguments of every call."""

    def __init__(self, response: Any = "ok") -> None:
        self.calls: list[dict[str, Any]] = []
        self.response = response

    def __call__(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.response


def failing_receiver(**kwargs: Any) -> None:
    raise RuntimeError("receiver broke")


# ---- definition -------------------------------------------------------------------------


def test_a_signal_needs_an_event_type_and_data() -> None:
    """InstantiationError for an empty type or empty data."""
    with pytest.raises(InstantiationError):
        OpenEdxPublicSignal("", {"score": Score}, registry=SignalRegistry())
    with pytest.raises(InstantiationError, match=r"org\.openedx\.x\.v1"):
        OpenEdxPublicSignal("org.openedx.x.v1", {}, registry=SignalRegistry())


def test_declaring_an_event_type_again_replaces_the_old_signal() -> None:
    """As in the reference implementation: the type then finds the newest declaration."""
    registry = SignalRegistry()
    first = OpenEdxPublicSignal("org.openedx.test.a.v1", {"score": Score}, registry=registry)
    second = OpenEdxPublicSignal("org.openedx.test.a.v1", {"user": UserData}, registry=registry)
    assert registry.get("org.openedx.test.a.v1") is second
    assert registry.all() == [second]
    assert first.event_type == second.event_type


def test_an_alias_taken_by_a_new_declaration_moves_to_it() -> None:
    """A new signal whose alias is an old one's event type replaces that old signal."""
    registry = SignalRegistry()
    OpenEdxPublicSignal("org.openedx.test.old.v1", {"score": Score}, registry=registry)
    new = OpenEdxPublicSignal(
        "org.openedx.test.new.v1",
        {"score": Score},
        aliases=("org.openedx.test.old.v1",),
        registry=registry,
    )
    assert registry.get("org.openedx.test.old.v1") is new
    assert registry.all() == [new]


def test_repr_names_the_event_type() -> None:
    """repr and str show the event type."""
    assert "org.openedx.test.score.changed.v1" in repr(make_signal())
    assert str(make_signal()) == repr(make_signal())


# ---- validation -------------------------------------------------------------------------


def test_missing_argument_is_refused_with_its_name_and_type() -> None:
    """The message names the event type, the argument and the expected type."""
    signal = make_signal(score=Score, user=UserData)
    with pytest.raises(SenderValidationError) as caught:
        signal.send_event(score=Score(1))
    message = str(caught.value)
    assert "org.openedx.test.score.changed.v1" in message
    assert "'user'" in message
    assert "UserData" in message
    assert "Missing required argument" in message
    assert caught.value.event_type == "org.openedx.test.score.changed.v1"


def test_unexpected_argument_is_refused_with_its_name() -> None:
    """An extra keyword is named, with the arguments the event takes."""
    with pytest.raises(SenderValidationError) as caught:
        make_signal().send_event(score=Score(1), extra=3)
    message = str(caught.value)
    assert "unexpected argument 'extra'" in message
    assert "'score'" in message
    assert message.startswith("SenderValidationError org.openedx.test.score.changed.v1: ")


def test_wrong_type_is_refused_with_expected_and_actual_types() -> None:
    """The message names the argument, the expected type and what it got."""
    with pytest.raises(SenderValidationError) as caught:
        make_signal().send_event(score={"points": 1})
    message = str(caught.value)
    assert "it must be Score" in message
    assert "got dict" in message
    assert "{'points': 1}" in message


def test_none_is_refused_for_a_declared_argument() -> None:
    """None is the wrong type, not a stand-in for a missing value."""
    with pytest.raises(SenderValidationError, match="got NoneType"):
        make_signal().send_event(score=None)


def test_a_valid_falsy_value_is_not_missing() -> None:
    """0, False and "" pass when they have the declared type."""
    signal = make_signal(count=int, flag=bool, name=str)
    recorder = Recorder()
    signal.connect(recorder)
    assert signal.send_event(count=0, flag=False, name="") == [(recorder, "ok")]
    assert recorder.calls[0]["count"] == 0


def test_a_subclass_instance_is_accepted() -> None:
    """isinstance semantics: a subclass of the declared type is valid."""

    @attrs.frozen
    class BonusScore(Score):
        bonus: int = 0

    recorder = Recorder()
    signal = make_signal()
    signal.connect(recorder)
    signal.send_event(score=BonusScore(1, bonus=2))
    assert recorder.calls[0]["score"].bonus == 2


def test_validation_happens_even_when_the_signal_is_disabled() -> None:
    """A disabled signal still refuses bad data, so tests catch broken senders."""
    signal = make_signal()
    signal.disable()
    with pytest.raises(SenderValidationError):
        signal.send_event(points=1)


def test_catalog_signal_accepts_its_sample_data() -> None:
    """A catalog signal's sample payload passes validation and reaches receivers."""
    recorder = Recorder()
    STUDENT_REGISTRATION_COMPLETED.connect(recorder)
    try:
        data = sample_event_data(STUDENT_REGISTRATION_COMPLETED)
        STUDENT_REGISTRATION_COMPLETED.send_event(**data)
    finally:
        STUDENT_REGISTRATION_COMPLETED.disconnect(recorder)
    assert recorder.calls[0]["user"] == data["user"]


# ---- what receivers get -----------------------------------------------------------------


def test_receivers_get_signal_sender_metadata_flag_and_data() -> None:
    """Keyword arguments: signal, sender=None, metadata, from_event_bus=False and the data."""
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    score = Score(7, "seven")
    signal.send_event(score=score)
    (call,) = recorder.calls
    assert set(call) == {"signal", "sender", "metadata", "from_event_bus", "score"}
    assert call["signal"] is signal
    assert call["sender"] is None
    assert call["from_event_bus"] is False
    assert call["score"] is score
    assert isinstance(call["metadata"], EventsMetadata)


def test_send_event_returns_receiver_response_pairs_in_connection_order() -> None:
    """The result lists (receiver, response) for every receiver, first connected first."""
    signal = make_signal()
    first, second = Recorder("one"), Recorder("two")
    signal.connect(first)
    signal.connect(second)
    assert signal.send_event(score=Score(1)) == [(first, "one"), (second, "two")]


def test_no_receivers_means_an_empty_result() -> None:
    """Sending with nobody listening returns []."""
    assert make_signal().send_event(score=Score(1)) == []


def test_metadata_is_stamped_fresh_for_every_event() -> None:
    """uuid1 id, type, minor version, source, host, UTC time, library version, spec 1.0."""
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    before = datetime.now(UTC)
    signal.send_event(score=Score(1))
    signal.send_event(score=Score(2))
    after = datetime.now(UTC)
    first, second = (call["metadata"] for call in recorder.calls)
    assert first.id != second.id
    assert first.id.version == 1
    assert first.event_type == "org.openedx.test.score.changed.v1"
    assert first.minorversion == 2
    assert first.source.startswith("openedx/")
    assert first.source.endswith("/web")
    assert first.sourcehost
    assert before <= first.time <= second.time <= after
    assert first.time.tzinfo is UTC
    assert first.sourcelib == library_version_tuple()
    assert all(isinstance(part, int) for part in first.sourcelib)
    assert first.specversion == "1.0"


def test_stamped_metadata_equals_metadata_built_from_its_own_fields() -> None:
    """The fast construction gives a normal, comparable, hashable EventsMetadata."""
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    signal.send_event(score=Score(1))
    metadata = recorder.calls[0]["metadata"]
    rebuilt = EventsMetadata(**attrs.asdict(metadata, recurse=False))
    assert rebuilt == metadata
    assert hash(rebuilt) == hash(metadata)
    assert EventsMetadata.from_json(metadata.to_json()) == metadata


def test_metadata_source_follows_the_service_name_between_sends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A service name set between two events of one signal names the second one's source."""
    monkeypatch.delenv("SERVICE_VARIANT", raising=False)
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    monkeypatch.setenv("EVENTS_SERVICE_NAME", "lms")
    signal.send_event(score=Score(1))
    monkeypatch.setenv("EVENTS_SERVICE_NAME", "discovery")
    signal.send_event(score=Score(2))
    assert [call["metadata"].source for call in recorder.calls] == [
        "openedx/lms/web",
        "openedx/discovery/web",
    ]
    assert recorder.calls[0]["metadata"].event_type == signal.event_type


def test_time_argument_sets_the_event_time() -> None:
    """send_event(time=...) stamps that time."""
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    signal.send_event(time=when, score=Score(1))
    assert recorder.calls[0]["metadata"].time == when


def test_a_non_utc_time_is_refused() -> None:
    """An aware non-UTC time or a naive one raises; nothing is dispatched."""
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    paris = timezone(timedelta(hours=2))
    with pytest.raises(ValueError, match="UTC"):
        signal.send_event(time=datetime(2024, 5, 1, 12, 0, tzinfo=paris), score=Score(1))
    with pytest.raises(ValueError, match="UTC"):
        signal.send_event(time=datetime(2024, 5, 1, 12, 0), score=Score(1))
    assert recorder.calls == []


def test_custom_metadata_is_passed_through_and_marked_from_the_bus() -> None:
    """send_event_with_custom_metadata hands the given metadata and from_event_bus=True."""
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    metadata = EventsMetadata(
        event_type=signal.event_type,
        id=UUID("0f8e3a52-3c1e-11ef-9f6a-1b2c3d4e5f60"),
        source="openedx/lms/web",
        time=datetime(2024, 5, 1, tzinfo=UTC),
    )
    assert signal.send_event_with_custom_metadata(metadata, score=Score(3)) == [(recorder, "ok")]
    (call,) = recorder.calls
    assert call["metadata"] is metadata
    assert call["from_event_bus"] is True


def test_custom_metadata_send_validates_its_data() -> None:
    """The bus path checks arguments like send_event does."""
    signal = make_signal()
    with pytest.raises(SenderValidationError, match="Missing required argument 'score'"):
        signal.send_event_with_custom_metadata(EventsMetadata(event_type=signal.event_type))


# ---- robust and strict dispatch ---------------------------------------------------------


def test_robust_send_logs_a_failing_receiver_and_runs_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The exception is returned in place of a response and logged with its traceback."""
    signal = make_signal()
    after = Recorder()
    signal.connect(failing_receiver)
    signal.connect(after)
    with caplog.at_level(logging.ERROR, logger="openedx_events.signal"):
        result = signal.send_event(score=Score(1))
    (failed_receiver, error), (later_receiver, response) = result
    assert failed_receiver is failing_receiver
    assert isinstance(error, RuntimeError)
    assert str(error) == "receiver broke"
    assert (later_receiver, response) == (after, "ok")
    (record,) = caplog.records
    assert record.exc_info is not None
    assert record.exc_info[2] is error.__traceback__  # the frames, not the message
    assert "receiver broke" not in str(record.exc_info[1])
    assert "org.openedx.test.score.changed.v1" in record.getMessage()


def test_send_robust_false_propagates_the_first_failure() -> None:
    """With send_robust=False the exception propagates and later receivers do not run."""
    signal = make_signal()
    after = Recorder()
    signal.connect(failing_receiver)
    signal.connect(after)
    with pytest.raises(RuntimeError, match="receiver broke"):
        signal.send_event(send_robust=False, score=Score(1))
    assert after.calls == []


def test_allow_send_event_failure_makes_a_robust_send_propagate() -> None:
    """After allow_send_event_failure(), even the default robust send raises."""
    signal = make_signal()
    signal.connect(failing_receiver)
    signal.allow_send_event_failure()
    with pytest.raises(RuntimeError, match="receiver broke"):
        signal.send_event(score=Score(1))
    signal.allow_send_event_failure(False)
    assert isinstance(signal.send_event(score=Score(1))[0][1], RuntimeError)


def test_custom_metadata_send_is_robust_by_default() -> None:
    """The bus path isolates receivers too, unless send_robust=False."""
    signal = make_signal()
    signal.connect(failing_receiver)
    metadata = EventsMetadata(event_type=signal.event_type)
    ((_, error),) = signal.send_event_with_custom_metadata(metadata, score=Score(1))
    assert isinstance(error, RuntimeError)
    with pytest.raises(RuntimeError):
        signal.send_event_with_custom_metadata(metadata, send_robust=False, score=Score(1))


# ---- switches and unsupported sends -------------------------------------------------------


def test_a_disabled_signal_sends_nothing_and_returns_an_empty_list() -> None:
    """disable() silences the signal; enable() brings it back."""
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    signal.disable()
    assert not signal.enabled
    assert signal.send_event(score=Score(1)) == []
    assert (
        signal.send_event_with_custom_metadata(
            EventsMetadata(event_type=signal.event_type), score=Score(1)
        )
        == []
    )
    assert recorder.calls == []
    signal.enable()
    assert signal.send_event(score=Score(1)) == [(recorder, "ok")]


@pytest.mark.parametrize("method", ["send", "send_robust"])
def test_plain_send_warns_and_does_nothing(method: str) -> None:
    """send() and send_robust() of Django's Signal API warn, call nobody, return []."""
    signal = make_signal()
    recorder = Recorder()
    signal.connect(recorder)
    with pytest.warns(UserWarning, match="send_event"):
        result = getattr(signal, method)(None, score=Score(1))
    assert result == []
    assert recorder.calls == []


def test_catalog_user_data_defaults_are_usable() -> None:
    """A payload built with the data classes' defaults is valid."""
    user = UserData(id=1, is_active=True, pii=UserPersonalData(username="ada", email="a@x.org"))
    recorder = Recorder()
    STUDENT_REGISTRATION_COMPLETED.connect(recorder)
    try:
        STUDENT_REGISTRATION_COMPLETED.send_event(user=user)
    finally:
        STUDENT_REGISTRATION_COMPLETED.disconnect(recorder)
    assert recorder.calls[0]["user"].pii.name == ""
