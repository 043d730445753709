"""Runs the Django project's tests with Django's test runner, in a separate process.

Configuring Django makes its settings win over the environment and configure() for the rest
of a process, so Django never gets configured in the main test process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# A real Django project, in a subprocess.
pytestmark = pytest.mark.slow

pytest.importorskip("django", reason="Django is an optional dependency")

PROJECT_DIR = Path(__file__).resolve().parent


def test_django_project_tests_pass() -> None:
    """@receiver, settings precedence, override_settings and the mixins under real Django."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
        ),
        "DJANGO_SETTINGS_MODULE": "djproject.settings",
        # Set on purpose: the Django setting must win over it.
        "EVENTS_SERVICE_NAME": "from-the-environment",
        "PYTHONWARNINGS": "error",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "test", "djproject", "--verbosity", "2"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Ran 6 tests" in output
    assert "OK" in output


def test_django_is_not_configured_in_this_process() -> None:
    """The main test process stays free of Django settings."""
    conf = sys.modules.get("django.conf")
    assert conf is None or not conf.settings.configured
