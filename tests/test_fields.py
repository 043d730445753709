"""The one walk of a dotted field path, over a signal's types and over its event data."""

from __future__ import annotations

import attrs
import pytest

from openedx_events._private.fields import FieldPathError, field_path_problem, field_path_value
from openedx_events.event_bus.avro import event_key_value
from openedx_events.exceptions import EventSerializationError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data

KEY = "enrollment.course.course_key"


def test_a_path_through_records_gives_the_value_and_has_no_problem() -> None:
    data = sample_event_data(SIGNAL)
    assert field_path_value(data, KEY) == data["enrollment"].course.course_key
    assert field_path_problem(SIGNAL.init_data, KEY) is None


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("nope.course", "the event carries no 'nope' (it carries enrollment)"),
        ("enrollment.nope", "CourseEnrollmentData has no field 'nope'"),
        ("enrollment.mode.upper", "'upper' is not inside a record"),
    ],
)
def test_types_and_values_report_a_path_leading_nowhere_alike(path: str, problem: str) -> None:
    """The same step is named at fault, whether the data's types or its values are walked."""
    assert field_path_problem(SIGNAL.init_data, path) == problem
    with pytest.raises(FieldPathError) as walked:
        field_path_value(sample_event_data(SIGNAL), path)
    assert str(walked.value).startswith(problem)


def test_a_record_left_out_ends_the_walk_with_none() -> None:
    """An optional record that is None has no fields to go on with: the value is None."""
    data = sample_event_data(SIGNAL)
    data["enrollment"] = attrs.evolve(data["enrollment"], created_by=None)
    assert field_path_value(data, "enrollment.created_by.pii.username") is None


def test_the_avro_event_key_reports_a_path_leading_nowhere_by_the_walk() -> None:
    data = sample_event_data(SIGNAL)
    data["enrollment"] = object()
    with pytest.raises(EventSerializationError, match="the event key cannot be read: 'course'"):
        event_key_value(data, SIGNAL)
