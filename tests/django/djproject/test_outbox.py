"""The publishing modes, the outbox and its commands, against a real database (run by Django).

Each test commits for real (TransactionTestCase), because publishing waits for commits.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from djproject.enrollments.models import Enrollment
from djproject.enrollments.services import enroll
from openedx_events.django import publishing
from openedx_events.django.freshness import refresh_state
from openedx_events.django.outbox import OutboxMessage
from openedx_events.django.relay import OutboxRelay, OutboxRelayError
from openedx_events.django.status import outbox_status
from openedx_events.event_bus import decode_record, get_backend
from openedx_events.event_bus._private.loading import reset_producer

TOPIC = "enrollments"
#: A bus file that cannot be opened: the broker is "down" while this is the setting.
BROKEN_BUS = "/nonexistent-folder/bus.db"


def routes(mode: str | None = None) -> dict[str, Any]:
    config = json.loads(json.dumps(settings.ENROLLMENT_ROUTES))
    if mode is not None:
        config[next(iter(config))][TOPIC]["mode"] = mode
    return config


def published_users() -> list[int]:
    """The user ids of the enrollment events on the bus, in bus order."""
    records = get_backend().read(TOPIC, limit=100_000)
    return [decode_record(record).data["enrollment"].user.id for record in records]


def enroll_then_fail(user_id: int, before_failing: Callable[[], object] = lambda: None) -> None:
    """Enroll in a transaction that a later failure rolls back."""
    with transaction.atomic():
        enroll(user_id)
        before_failing()
        raise RuntimeError("the view failed")


class BusTestCase(TransactionTestCase):
    available_apps: ClassVar[list[str]] = ["openedx_events", "djproject.enrollments"]

    def setUp(self) -> None:
        backend = get_backend()
        backend.trim(TOPIC, before=timezone.now() + timedelta(days=1), unconsumed=True)
        reset_producer()
        publishing._diverted_until[0] = 0.0  # no failed publish of an earlier test counts


@override_settings(EVENT_BUS_PRODUCER_CONFIG=routes())
class OnCommitTests(BusTestCase):
    def test_a_rolled_back_transaction_publishes_nothing(self) -> None:
        with pytest.raises(RuntimeError):
            enroll_then_fail(1)
        assert Enrollment.objects.count() == 0
        assert published_users() == []

    def test_a_committed_transaction_publishes_once_after_the_commit(self) -> None:
        with transaction.atomic():
            enroll(1)
            enroll(2)
            assert published_users() == []  # not before the commit
        assert published_users() == [1, 2]
        assert OutboxMessage.objects.count() == 0

    def test_outside_a_transaction_the_event_is_published_at_once(self) -> None:
        enroll(7)
        assert published_users() == [7]

    def test_a_rolled_back_savepoint_takes_its_events_with_it(self) -> None:
        with transaction.atomic():
            enroll(1)
            try:
                with transaction.atomic():
                    enroll(2)
                    raise RuntimeError("inner failure")
            except RuntimeError:
                pass
        assert published_users() == [1]

    def test_a_publish_that_fails_after_the_commit_is_kept_in_the_outbox(self) -> None:
        with override_settings(EVENT_BUS_SQLITE_PATH=BROKEN_BUS), transaction.atomic():
            enroll(1)
            enroll(2)
        assert Enrollment.objects.count() == 2  # the commit stands
        assert outbox_status().depth == 2
        enroll(3)  # the broker is back, but the event queues behind the two kept ones
        assert published_users() == []
        assert outbox_status().depth == 3
        assert OutboxRelay().run(once=True).published == 3
        assert published_users() == [1, 2, 3]
        assert outbox_status().depth == 0


@override_settings(EVENT_BUS_PRODUCER_CONFIG=routes("outbox"))
class OutboxTests(BusTestCase):
    def test_the_event_is_stored_in_the_transaction_and_relayed_in_order(self) -> None:
        for first in (1, 4):
            with transaction.atomic():
                for user_id in range(first, first + 3):
                    enroll(user_id)
        assert published_users() == []
        status = outbox_status()
        assert status.depth == 6
        assert status.oldest_unsent_age is not None
        assert status.oldest_unsent_age >= 0
        stats = OutboxRelay(batch_size=4).run(once=True)
        assert (stats.published, stats.batches) == (6, 2)
        assert published_users() == [1, 2, 3, 4, 5, 6]
        assert outbox_status().depth == 0
        assert OutboxRelay().run(once=True).published == 0
        assert published_users() == [1, 2, 3, 4, 5, 6]

    def test_a_rolled_back_transaction_stores_nothing(self) -> None:
        with pytest.raises(RuntimeError):
            enroll_then_fail(1)
        assert OutboxMessage.objects.count() == 0

    def test_the_project_default_mode_applies_to_routes_without_one(self) -> None:
        with override_settings(
            EVENT_BUS_PRODUCER_CONFIG=routes(), EVENT_BUS_PRODUCER_MODE="outbox"
        ):
            enroll(1)
        assert OutboxMessage.objects.count() == 1
        assert published_users() == []

    def test_the_relay_keeps_rows_and_records_the_error_while_the_broker_is_down(self) -> None:
        enroll(1)
        enroll(2)
        with override_settings(EVENT_BUS_SQLITE_PATH=BROKEN_BUS):
            with pytest.raises(OutboxRelayError) as raised:
                OutboxRelay().run(once=True)
            assert "publishing outbox row" in str(raised.value)
            assert "cannot open the event bus file" in str(raised.value)
            status = outbox_status()
            assert (status.depth, status.failing) == (2, 2)
            assert status.last_error is not None
            assert BROKEN_BUS in status.last_error
            out = io.StringIO()
            call_command("outbox_status", "--json", stdout=out)
            assert json.loads(out.getvalue())["failing"] == 2
            with pytest.raises(CommandError):
                call_command("relay_outbox", "--once", stdout=io.StringIO())
        out = io.StringIO()
        call_command("relay_outbox", "--once", stdout=out)
        assert "published 2 event(s)" in out.getvalue()
        assert published_users() == [1, 2]
        assert outbox_status().failing == 0

    def test_the_metrics_view_shows_the_outbox_per_topic(self) -> None:
        with transaction.atomic():
            for user_id in (1, 2, 3):
                enroll(user_id)

        def gauges() -> dict[str, float]:
            body = self.client.get("/metrics/events").content.decode()
            found = re.findall(
                r'^(openedx_events_outbox_\w+)\{topic="enrollments"\} (\S+)$', body, re.M
            )
            return {name: float(value) for name, value in found}

        waiting = gauges()
        assert waiting["openedx_events_outbox_depth"] == 3
        assert waiting["openedx_events_outbox_failing"] == 0
        assert 0 <= waiting["openedx_events_outbox_oldest_unsent_age_seconds"] < 60
        assert OutboxRelay().run(once=True).published == 3
        assert gauges() == {
            "openedx_events_outbox_depth": 0,
            "openedx_events_outbox_failing": 0,
            "openedx_events_outbox_oldest_unsent_age_seconds": 0,
        }

    def test_purge_outbox_deletes_old_sent_rows_only(self) -> None:
        for user_id in (1, 2, 3):
            enroll(user_id)
        OutboxRelay().run(once=True)
        enroll(4)  # unsent: kept whatever its age
        old = timezone.now() - timedelta(days=8)
        first_sent = OutboxMessage.objects.filter(sent_at__isnull=False).order_by("id")[0]
        OutboxMessage.objects.filter(pk=first_sent.pk).update(sent_at=old)
        OutboxMessage.objects.update(created_at=old)
        out = io.StringIO()
        call_command("purge_outbox", "--older-than", "7d", stdout=out)
        assert "deleted 1 sent row(s)" in out.getvalue()
        assert OutboxMessage.objects.count() == 3
        with self.assertRaisesMessage(CommandError, "not a duration"):
            call_command("purge_outbox", "--older-than", "soon")


@override_settings(EVENT_BUS_PRODUCER_CONFIG=routes("immediate"))
class ImmediateTests(BusTestCase):
    def test_the_event_is_published_inside_the_transaction_even_if_it_rolls_back(self) -> None:
        seen_before_the_rollback: list[int] = []
        with pytest.raises(RuntimeError):
            enroll_then_fail(1, lambda: seen_before_the_rollback.extend(published_users()))
        assert seen_before_the_rollback == [1]
        assert published_users() == [1]


class FreshnessTests(TransactionTestCase):
    available_apps: ClassVar[list[str]] = ["djproject.enrollments"]

    def test_the_pre_event_hook_replaces_a_connection_the_server_cut(self) -> None:
        Enrollment.objects.count()
        connection.close_at = None  # kept across events, as with CONN_MAX_AGE=None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                (pid,) = cursor.fetchone()
            from django.db import connections  # noqa: PLC0415

            killer = connections.create_connection("default")
            with killer.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            killer.close()
        refresh_state()
        assert Enrollment.objects.count() == 0

    def test_the_django_app_makes_the_hook_the_consumers_default(self) -> None:
        from openedx_events.event_bus._private.consumer import (  # noqa: PLC0415
            _hook_from_settings,
        )

        assert _hook_from_settings() is refresh_state
