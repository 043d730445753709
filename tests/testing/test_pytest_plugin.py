"""The pytest plugin, exercised by running pytest on small test files in a subprocess."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# pytest itself, in a subprocess.
pytestmark = pytest.mark.slow

RECEIVER_THAT_BREAKS = """
from openedx_events.analytics.signals import TRACKING_EVENT_EMITTED
from openedx_events.samples import sample_event_data

def broken(**kwargs):
    raise RuntimeError("broken receiver")

TRACKING_EVENT_EMITTED.connect(broken)

def send():
    return TRACKING_EVENT_EMITTED.send_event(**sample_event_data(TRACKING_EVENT_EMITTED))
"""


def run_pytest(
    tmp_path: Path, source: str, *args: str, ini: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run pytest on one test file (the plugin is loaded from its entry point)."""
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text(f"[pytest]\n{ini}\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_the_plugin_loads_without_django(tmp_path: Path) -> None:
    """A run with the plugin never imports Django."""
    result = run_pytest(
        tmp_path,
        """
        import sys

        def test_no_django():
            assert "django" not in sys.modules
            assert "openedx_events.testing.pytest_plugin" in sys.modules
        """,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_captured_events_fixture_records_sent_events(tmp_path: Path) -> None:
    """The fixture yields the type, metadata and data of each event the test sends."""
    result = run_pytest(
        tmp_path,
        """
        from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
        from openedx_events.samples import sample_event_data

        def test_capture(captured_events):
            data = sample_event_data(COURSE_ENROLLMENT_CREATED)
            COURSE_ENROLLMENT_CREATED.send_event(**data)
            (event,) = captured_events
            assert event.event_type == "org.openedx.learning.course.enrollment.created.v1"
            assert event.data == data
            assert event.metadata.id.version == 1

        def test_fresh_capture_per_test(captured_events):
            assert len(captured_events) == 0
        """,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_without_strict_mode_a_broken_receiver_is_swallowed(tmp_path: Path) -> None:
    """The default robust send logs the failure and the test passes."""
    result = run_pytest(
        tmp_path,
        RECEIVER_THAT_BREAKS
        + """
def test_send():
    ((_, error),) = send()
    assert isinstance(error, RuntimeError)
""",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_marker_fails_the_test_on_a_broken_receiver(tmp_path: Path) -> None:
    """@pytest.mark.openedx_events_strict turns the receiver's exception into a failure."""
    result = run_pytest(
        tmp_path,
        RECEIVER_THAT_BREAKS
        + """
import pytest

@pytest.mark.openedx_events_strict
def test_strict():
    send()

def test_lenient():
    send()
""",
    )
    assert result.returncode == 1
    assert "1 failed, 1 passed" in result.stdout
    assert "RuntimeError: broken receiver" in result.stdout


def test_strict_fixture_fails_the_test_on_a_broken_receiver(tmp_path: Path) -> None:
    """Requesting strict_openedx_events has the same effect for one test."""
    result = run_pytest(
        tmp_path,
        RECEIVER_THAT_BREAKS
        + """
def test_strict(strict_openedx_events):
    send()
""",
    )
    assert result.returncode == 1
    assert "RuntimeError: broken receiver" in result.stdout


def test_strict_option_and_ini_apply_to_every_test(tmp_path: Path) -> None:
    """--openedx-events-strict and openedx_events_strict = true make every test strict."""
    source = RECEIVER_THAT_BREAKS + "\ndef test_send():\n    send()\n"
    assert run_pytest(tmp_path, source, "--openedx-events-strict").returncode == 1
    assert run_pytest(tmp_path, source, ini="openedx_events_strict = true").returncode == 1
    assert run_pytest(tmp_path, source).returncode == 0


def test_isolation_marker_enables_only_the_listed_events(tmp_path: Path) -> None:
    """@pytest.mark.openedx_events_isolation(...) disables the rest during the test only."""
    result = run_pytest(
        tmp_path,
        """
        import pytest
        from openedx_events.analytics.signals import TRACKING_EVENT_EMITTED
        from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

        @pytest.mark.openedx_events_isolation("org.openedx.analytics.tracking.event.emitted.v1")
        def test_isolated():
            assert TRACKING_EVENT_EMITTED.enabled
            assert not COURSE_ENROLLMENT_CREATED.enabled

        def test_after():
            assert COURSE_ENROLLMENT_CREATED.enabled
        """,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
