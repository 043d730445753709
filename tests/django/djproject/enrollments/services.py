"""Enrolling: the row and its event, in the caller's transaction."""

from typing import Any

import attrs

from djproject.enrollments.models import Enrollment
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data


def enrollment_data(user_id: int) -> dict[str, Any]:
    """The event data of enrolling user ``user_id``: a sample with that user id."""
    data = sample_event_data(COURSE_ENROLLMENT_CREATED, user_id)
    enrollment = data["enrollment"]
    data["enrollment"] = attrs.evolve(enrollment, user=attrs.evolve(enrollment.user, id=user_id))
    return data


def enroll(user_id: int) -> Enrollment:
    """Write an enrollment and send COURSE_ENROLLMENT_CREATED for it."""
    data = enrollment_data(user_id)
    row = Enrollment.objects.create(
        user_id=user_id, course_key=str(data["enrollment"].course.course_key)
    )
    COURSE_ENROLLMENT_CREATED.send_event(**data)
    return row
