"""An enrollment row, and a row for each enrollment event received from the bus."""

from django.db import models


class Enrollment(models.Model):
    user_id = models.BigIntegerField()
    course_key = models.CharField(max_length=255)


class ReceivedEnrollment(models.Model):
    """Written by the consumer's receiver: one row per event id, however often delivered."""

    event_id = models.CharField(max_length=36, unique=True)
    user_id = models.BigIntegerField()
