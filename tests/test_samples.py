"""Sample payloads: valid for every event, reproducible, and varied."""

from __future__ import annotations

import io

import attrs
import pytest

from openedx_events.authz.signals import ROLE_ASSIGNMENT_CREATED
from openedx_events.content_authoring.signals import LIBRARY_CONTAINER_CREATED
from openedx_events.learning.data import CourseEnrollmentData
from openedx_events.learning.signals import (
    EXTERNAL_GRADER_SCORE_SUBMITTED,
    LTI_PROVIDER_LAUNCH_SUCCESS,
)
from openedx_events.samples import sample_event_data, sample_instance
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

load_all_signals()
SIGNALS = OpenEdxPublicSignal.all_events()


@pytest.mark.parametrize("signal", SIGNALS, ids=lambda signal: signal.signal_name)
def test_every_event_accepts_its_sample(signal: OpenEdxPublicSignal) -> None:
    """send_event validates the sample, with and without the optional fields."""
    received = []

    def receiver(**kwargs: object) -> None:
        received.append(kwargs)

    signal.connect(receiver)
    try:
        signal.send_event(send_robust=False, **sample_event_data(signal))
        signal.send_event(send_robust=False, **sample_event_data(signal, optionals=False))
    finally:
        signal.disconnect(receiver)
    assert len(received) == 2


def test_the_same_index_gives_the_same_payload() -> None:
    """Samples are reproducible, and another index gives another payload."""
    signal = OpenEdxPublicSignal.get_signal_by_type(
        "org.openedx.learning.course.enrollment.created.v1"
    )
    assert sample_event_data(signal, 3) == sample_event_data(signal, 3)
    assert sample_event_data(signal, 3) != sample_event_data(signal, 4)


def test_optional_fields_are_filled_or_left_none_on_request() -> None:
    """optionals=False leaves the None-defaulted fields as None."""
    full = sample_instance(CourseEnrollmentData, 1)
    bare = sample_instance(CourseEnrollmentData, 1, optionals=False)
    assert full.created_by is not None
    assert bare.created_by is None
    assert attrs.has(type(full.user))


def test_samples_look_realistic() -> None:
    """Emails are addresses, course keys parse, the signatory image is a PNG stream."""
    user = sample_event_data(OpenEdxPublicSignal.get_signal_by_type(
        "org.openedx.learning.student.registration.completed.v1"
    ))["user"]  # fmt: skip
    assert "@" in user.pii.email
    config = sample_event_data(OpenEdxPublicSignal.get_signal_by_type(
        "org.openedx.content_authoring.course.certificate_config.changed.v1"
    ))["certificate_config"]  # fmt: skip
    image = config.signatories[0].image
    assert isinstance(image, io.BytesIO)
    assert image.getvalue().startswith(b"\x89PNG")


def test_samples_of_related_fields_agree() -> None:
    """A grader never awards more points than possible; an LTI launch opens a block of its
    course; a library container key names its library."""
    for index in range(20):
        (score,) = sample_event_data(EXTERNAL_GRADER_SCORE_SUBMITTED, index).values()
        assert 0 <= score.points_earned <= score.points_possible
        (launch,) = sample_event_data(LTI_PROVIDER_LAUNCH_SUCCESS, index).values()
        assert launch.usage_key.course_key == launch.course_key
        (container,) = sample_event_data(LIBRARY_CONTAINER_CREATED, index).values()
        key = container.container_key
        assert (
            str(key)
            == f"lct:{key.lib_key.org}:{key.lib_key.slug}:{key.container_type}:{key.container_id}"
        )
        (assignment,) = sample_event_data(ROLE_ASSIGNMENT_CREATED, index).values()
        assert assignment.subject.startswith("user^")
        assert assignment.scope.startswith("lib^lib:")
