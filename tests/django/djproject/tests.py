"""Tests run by Django's own test runner, in a process of their own (see test_django_project)."""

from typing import Any, ClassVar

import pytest
from django.apps import apps
from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings

from djproject.recorder.receivers import RECEIVED, record_enrollment, record_enrollment_again
from openedx_events import configure, get_setting
from openedx_events._private.settings import reset_configuration
from openedx_events.exceptions import ProducerConfigurationError
from openedx_events.learning.signals import (
    COURSE_ENROLLMENT_CREATED,
    STUDENT_REGISTRATION_COMPLETED,
)
from openedx_events.samples import sample_event_data
from openedx_events.testing import OpenEdxEventsTestMixin
from openedx_events.tooling import OpenEdxPublicSignal


def send_enrollment() -> list[tuple[Any, Any]]:
    return COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED))


class DjangoReceiverTests(SimpleTestCase):
    def setUp(self) -> None:
        RECEIVED.clear()

    def test_receiver_decorator_connects_to_an_open_edx_signal(self) -> None:
        """@receiver(SIGNAL) receivers get the event, in connection order."""
        result = send_enrollment()
        assert result[:2] == [
            (record_enrollment, "recorded"),
            (record_enrollment_again, "recorded again"),
        ]
        (call,) = RECEIVED
        assert call["signal"] is COURSE_ENROLLMENT_CREATED
        assert call["sender"] is None
        assert call["from_event_bus"] is False

    def test_the_app_registers_the_whole_catalog(self) -> None:
        """With "openedx_events" installed, all 75 signals are registered at start-up."""
        assert len(OpenEdxPublicSignal.all_events()) == 75


class DjangoSettingsTests(SimpleTestCase):
    def tearDown(self) -> None:
        reset_configuration()

    def test_source_comes_from_django_settings_not_the_environment(self) -> None:
        """EVENTS_SERVICE_NAME from settings wins over the environment variable."""
        send_enrollment()
        assert RECEIVED[-1]["metadata"].source == "openedx/lms/web"

    def test_override_settings_changes_the_source_at_once(self) -> None:
        """The cached source follows Django's setting_changed signal."""
        with override_settings(EVENTS_SERVICE_NAME="cms"):
            send_enrollment()
            assert RECEIVED[-1]["metadata"].source == "openedx/cms/web"
        with override_settings(EVENTS_SERVICE_NAME=None, SERVICE_VARIANT="studio"):
            send_enrollment()
            assert RECEIVED[-1]["metadata"].source == "openedx/studio/web"
        send_enrollment()
        assert RECEIVED[-1]["metadata"].source == "openedx/lms/web"

    def test_an_invalid_route_setting_fails_where_it_is_validated_not_in_override(self) -> None:
        """override_settings with bad routes enters; the app's ready() refuses them."""
        with (
            override_settings(EVENT_BUS_PRODUCER_CONFIG=[]),
            pytest.raises(ProducerConfigurationError, match="should be a dictionary"),
        ):
            apps.get_app_config("openedx_events").ready()

    def test_django_settings_win_over_configure(self) -> None:
        """configure() does not override a configured Django."""
        configure(EVENTS_SERVICE_NAME="configured", EVENTS_ONLY_CONFIGURED="x")
        assert get_setting("EVENTS_SERVICE_NAME") == settings.EVENTS_SERVICE_NAME
        assert get_setting("EVENTS_ONLY_CONFIGURED", "default") == "default"


class IsolatedDjangoTests(OpenEdxEventsTestMixin, SimpleTestCase):
    ENABLED_OPENEDX_EVENTS: ClassVar[list[str]] = [COURSE_ENROLLMENT_CREATED.event_type]

    def test_only_enabled_events_are_sent(self) -> None:
        """The mixin works on Django test cases: other events are disabled."""
        assert send_enrollment()
        data = sample_event_data(STUDENT_REGISTRATION_COMPLETED)
        assert STUDENT_REGISTRATION_COMPLETED.send_event(**data) == []


class MetricsViewTests(TestCase):  # the enrollments app stores what the bus delivers
    def test_the_view_serves_the_counts_and_the_lag_of_the_bus(self) -> None:
        """An event sent to the bus shows in the view: sent, published, and lag of a group."""
        import tempfile  # noqa: PLC0415

        from openedx_events.event_bus import BusConsumer, get_backend  # noqa: PLC0415
        from openedx_events.event_bus._private.loading import reset_producer  # noqa: PLC0415

        # Published at once: the test case's transaction never commits, so on_commit would wait.
        route = {"metered": {"event_key_field": None, "enabled": True, "mode": "immediate"}}
        with (
            tempfile.TemporaryDirectory() as directory,
            override_settings(
                EVENT_BUS_SQLITE_PATH=f"{directory}/bus.db",
                EVENT_BUS_PRODUCER_CONFIG={COURSE_ENROLLMENT_CREATED.event_type: route},
            ),
        ):
            reset_producer()
            from openedx_events.event_bus import (  # noqa: PLC0415
                connect_producer_receivers,
                disconnect_producer_receivers,
            )

            connect_producer_receivers()
            try:
                backend = get_backend()
                for _ in range(3):
                    send_enrollment()
                BusConsumer(backend, topic="metered", group_id="g").run(max_events=1)
                body = self.client.get("/metrics/events").content.decode()
            finally:
                disconnect_producer_receivers()
                reset_producer()
        kind = COURSE_ENROLLMENT_CREATED.event_type
        assert f'openedx_events_sent_total{{event_type="{kind}"}}' in body
        assert f'openedx_events_published_total{{event_type="{kind}",topic="metered"}} 3.0' in body
        assert 'openedx_events_consumer_lag{group="g",topic="metered"} 2.0' in body
        assert 'openedx_events_dead_letter_depth{topic="metered"} 0.0' in body
