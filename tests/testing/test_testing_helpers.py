"""capture_events, events_isolation and strict_events, used without any test framework."""

from __future__ import annotations

from typing import Any

import pytest

from openedx_events import EventsMetadata, UnknownEventTypeError
from openedx_events.analytics.signals import TRACKING_EVENT_EMITTED
from openedx_events.learning.signals import (
    COURSE_ENROLLMENT_CREATED,
    PERSISTENT_GRADE_SUMMARY_CHANGED,
    STUDENT_REGISTRATION_COMPLETED,
)
from openedx_events.samples import sample_event_data
from openedx_events.testing import capture_events, events_isolation, strict_events
from openedx_events.tooling import OpenEdxPublicSignal


def broken(**kwargs: Any) -> None:
    raise RuntimeError("broken receiver")


def test_capture_records_type_metadata_and_data_in_order() -> None:
    """Every dispatched event is recorded as its receivers saw it."""
    enrollment = sample_event_data(COURSE_ENROLLMENT_CREATED)
    user = sample_event_data(STUDENT_REGISTRATION_COMPLETED)
    with capture_events() as captured:
        STUDENT_REGISTRATION_COMPLETED.send_event(**user)
        COURSE_ENROLLMENT_CREATED.send_event(**enrollment)
    assert captured.event_types == [
        STUDENT_REGISTRATION_COMPLETED.event_type,
        COURSE_ENROLLMENT_CREATED.event_type,
    ]
    first = captured[0]
    assert first.signal is STUDENT_REGISTRATION_COMPLETED
    assert first.data == user
    assert first.from_event_bus is False
    assert isinstance(first.metadata, EventsMetadata)
    assert first.metadata.event_type == first.event_type
    assert len(captured) == 2


def test_capture_sees_the_metadata_receivers_get() -> None:
    """The recorded metadata is the object passed to receivers."""
    seen: list[EventsMetadata] = []

    def receiver(metadata: EventsMetadata, **kwargs: Any) -> None:
        seen.append(metadata)

    STUDENT_REGISTRATION_COMPLETED.connect(receiver)
    try:
        with capture_events(STUDENT_REGISTRATION_COMPLETED) as captured:
            STUDENT_REGISTRATION_COMPLETED.send_event(
                **sample_event_data(STUDENT_REGISTRATION_COMPLETED)
            )
    finally:
        STUDENT_REGISTRATION_COMPLETED.disconnect(receiver)
    assert [event.metadata for event in captured] == seen


def test_capture_leaves_receivers_and_responses_alone() -> None:
    """No receiver is connected by capturing: send_event's result is unchanged."""
    with capture_events():
        assert TRACKING_EVENT_EMITTED.receivers == ()
        assert TRACKING_EVENT_EMITTED.send_event(**sample_event_data(TRACKING_EVENT_EMITTED)) == []


def test_capture_can_be_limited_to_some_signals() -> None:
    """Signals or event types (aliases too) select what is recorded."""
    with capture_events(
        "org.openedx.learning.course.persistent_grade.summary.v1", TRACKING_EVENT_EMITTED
    ) as captured:
        COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED))
        PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
            **sample_event_data(PERSISTENT_GRADE_SUMMARY_CHANGED)
        )
        TRACKING_EVENT_EMITTED.send_event(**sample_event_data(TRACKING_EVENT_EMITTED))
    assert [event.signal for event in captured] == [
        PERSISTENT_GRADE_SUMMARY_CHANGED,
        TRACKING_EVENT_EMITTED,
    ]
    assert len(captured.of_type(TRACKING_EVENT_EMITTED.event_type)) == 1


def test_capture_stops_at_the_end_of_the_block() -> None:
    """Events sent after the block are not recorded; clear() forgets what was."""
    with capture_events() as captured:
        TRACKING_EVENT_EMITTED.send_event(**sample_event_data(TRACKING_EVENT_EMITTED))
    TRACKING_EVENT_EMITTED.send_event(**sample_event_data(TRACKING_EVENT_EMITTED))
    assert len(captured) == 1
    captured.clear()
    assert list(captured) == []


def test_capture_skips_events_of_a_disabled_signal() -> None:
    """Only events actually dispatched are recorded."""
    TRACKING_EVENT_EMITTED.disable()
    try:
        with capture_events() as captured:
            TRACKING_EVENT_EMITTED.send_event(**sample_event_data(TRACKING_EVENT_EMITTED))
    finally:
        TRACKING_EVENT_EMITTED.enable()
    assert len(captured) == 0


def test_capture_records_bus_events_as_such() -> None:
    """An event replayed from the bus is recorded with from_event_bus=True."""
    metadata = EventsMetadata(event_type=TRACKING_EVENT_EMITTED.event_type)
    with capture_events() as captured:
        TRACKING_EVENT_EMITTED.send_event_with_custom_metadata(
            metadata, **sample_event_data(TRACKING_EVENT_EMITTED)
        )
    assert captured[0].from_event_bus is True
    assert captured[0].metadata is metadata


def test_an_unknown_type_is_refused_when_capturing() -> None:
    """A typo in the types to capture fails loudly instead of capturing nothing."""
    with pytest.raises(UnknownEventTypeError), capture_events("org.openedx.nope.v1"):
        pass


def test_isolation_enables_only_the_listed_events_then_restores() -> None:
    """Inside the block others send nothing; afterwards every switch is as before."""
    TRACKING_EVENT_EMITTED.disable()  # a state of our own, to see it restored
    try:
        with events_isolation(COURSE_ENROLLMENT_CREATED.event_type):
            assert COURSE_ENROLLMENT_CREATED.enabled
            assert not STUDENT_REGISTRATION_COMPLETED.enabled
            assert all(
                not signal.enabled
                for signal in OpenEdxPublicSignal.all_events()
                if signal is not COURSE_ENROLLMENT_CREATED
            )
        assert STUDENT_REGISTRATION_COMPLETED.enabled
        assert not TRACKING_EVENT_EMITTED.enabled
    finally:
        TRACKING_EVENT_EMITTED.enable()


def test_isolation_lets_failures_of_enabled_events_propagate() -> None:
    """A broken receiver of an enabled event raises inside the block, is logged after it."""
    TRACKING_EVENT_EMITTED.connect(broken)
    data = sample_event_data(TRACKING_EVENT_EMITTED)
    try:
        with events_isolation(TRACKING_EVENT_EMITTED), pytest.raises(RuntimeError):
            TRACKING_EVENT_EMITTED.send_event(**data)
        ((_, error),) = TRACKING_EVENT_EMITTED.send_event(**data)
        assert isinstance(error, RuntimeError)
    finally:
        TRACKING_EVENT_EMITTED.disconnect(broken)


def test_isolation_restores_even_when_the_block_fails() -> None:
    """An exception in the block still puts the switches back."""
    with pytest.raises(ZeroDivisionError), events_isolation():
        _ = 1 / 0
    assert all(signal.enabled for signal in OpenEdxPublicSignal.all_events())


def test_strict_mode_makes_a_robust_send_raise() -> None:
    """Inside strict_events a receiver's exception propagates; outside it is returned."""
    TRACKING_EVENT_EMITTED.connect(broken)
    data = sample_event_data(TRACKING_EVENT_EMITTED)
    try:
        with strict_events(), pytest.raises(RuntimeError, match="broken receiver"):
            TRACKING_EVENT_EMITTED.send_event(**data)
        ((_, error),) = TRACKING_EVENT_EMITTED.send_event(**data)
        assert isinstance(error, RuntimeError)
    finally:
        TRACKING_EVENT_EMITTED.disconnect(broken)


def test_strict_mode_nests() -> None:
    """Leaving an inner strict block keeps the outer one strict."""
    TRACKING_EVENT_EMITTED.connect(broken)
    data = sample_event_data(TRACKING_EVENT_EMITTED)
    try:
        with strict_events():
            with strict_events():
                pass
            with pytest.raises(RuntimeError):
                TRACKING_EVENT_EMITTED.send_event(**data)
    finally:
        TRACKING_EVENT_EMITTED.disconnect(broken)
