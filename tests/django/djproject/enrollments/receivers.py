"""What a consuming service does with an enrollment event from the bus: it writes a row."""

from typing import Any

from django.dispatch import receiver

from djproject.enrollments.models import ReceivedEnrollment
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED


@receiver(COURSE_ENROLLMENT_CREATED, dispatch_uid="enrollments.received")
def store_received(metadata: Any, enrollment: Any, from_event_bus: bool = False, **_: Any) -> None:
    if from_event_bus:
        ReceivedEnrollment.objects.get_or_create(
            event_id=str(metadata.id), defaults={"user_id": enrollment.user.id}
        )
