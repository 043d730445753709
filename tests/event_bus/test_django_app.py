"""The Django app connects the producer routes at start-up, and refuses a bad configuration."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("django", reason="Django is an optional dependency")

SCRIPT = textwrap.dedent(
    """
    import sys
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["openedx_events"],
        EVENT_BUS_SQLITE_PATH=sys.argv[1],
        EVENT_BUS_PRODUCER_CONFIG={
            "org.openedx.learning.course.enrollment.created.v1": {
                "enrollments": {"event_key_field": sys.argv[2], "enabled": True},
            },
        },
    )
    django.setup()
    from openedx_events.event_bus import get_backend
    from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
    from openedx_events.samples import sample_event_data

    COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 0))
    print(len(get_backend().read("enrollments")))
    """
)

# A real Django service, in a subprocess.
pytestmark = pytest.mark.slow


def _run(tmp_path: Path, key_field: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "bus.db"), key_field],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_configured_django_service_publishes_its_events_to_the_bus(tmp_path: Path) -> None:
    result = _run(tmp_path, "enrollment.course.course_key")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_a_bad_producer_config_stops_django_at_start_up(tmp_path: Path) -> None:
    result = _run(tmp_path, "enrollment.no_such_field")
    assert result.returncode != 0
    assert "ProducerConfigurationError" in result.stderr
    assert "has no field 'no_such_field'" in result.stderr


NO_BUS_SCRIPT = textwrap.dedent(
    """
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["openedx_events"],
        EVENT_BUS_PRODUCER_CONFIG={
            "org.openedx.learning.course.enrollment.created.v1": {
                "enrollments": {"event_key_field": "enrollment.user.id", "enabled": True},
                "archive": {"event_key_field": "enrollment.user.id", "enabled": True},
                "off": {"event_key_field": "enrollment.user.id", "enabled": False},
            },
        },
    )
    django.setup()
    from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
    from openedx_events.samples import sample_event_data

    received = []
    COURSE_ENROLLMENT_CREATED.connect(lambda **kwargs: received.append(kwargs), weak=False)
    COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 0))
    print(len(received))
    """
)


def test_a_service_with_no_bus_configured_keeps_its_events_in_process(tmp_path: Path) -> None:
    """As with the reference: the bus is inactive, one warning, and no file in the cwd."""
    result = subprocess.run(
        [sys.executable, "-c", NO_BUS_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    warnings = [line for line in result.stderr.splitlines() if "event bus is inactive" in line]
    assert len(warnings) == 1, result.stderr
    assert "2 enabled route(s) of EVENT_BUS_PRODUCER_CONFIG" in warnings[0]
    assert list(tmp_path.iterdir()) == []
