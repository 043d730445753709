"""Receivers connected with ``django.dispatch.receiver``; they record what they get."""

from typing import Any

from django.dispatch import receiver

from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

RECEIVED: list[dict[str, Any]] = []


@receiver(COURSE_ENROLLMENT_CREATED)
def record_enrollment(**kwargs: Any) -> str:
    RECEIVED.append(kwargs)
    return "recorded"


@receiver(COURSE_ENROLLMENT_CREATED, dispatch_uid="recorder.second")
def record_enrollment_again(**kwargs: Any) -> str:
    return "recorded again"
