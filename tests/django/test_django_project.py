"""Runs the Django project's tests with Django's test runner, in a separate process.

Configuring Django makes its settings win over the environment and configure() for the rest
of a process, so Django never gets configured in the main test process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# A real Django project, in a subprocess.
pytestmark = pytest.mark.slow

pytest.importorskip("django", reason="Django is an optional dependency")

from _django_helpers import PROJECT_DIR, project_env  # noqa: E402  (after the skip: needs Django)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_django_project_tests_pass(
    database: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """@receiver, settings, the mixins, the publishing modes and the outbox under real Django."""
    db_name = request.getfixturevalue("postgres_database") if database == "postgresql" else None
    # EVENTS_SERVICE_NAME is set on purpose: the Django setting must win over it.
    env = project_env(
        database, db_name, tmp_path / "bus.db", EVENTS_SERVICE_NAME="from-the-environment"
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "test", "djproject", "--verbosity", "2", "--noinput"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Ran 22 tests" in output
    assert "OK" in output


def test_django_is_not_configured_in_this_process() -> None:
    """The main test process stays free of Django settings."""
    conf = sys.modules.get("django.conf")
    assert conf is None or not conf.settings.configured
