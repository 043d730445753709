"""With no bus configured, the command line uses the embedded bus in ./openedx-events.db."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from cli_helpers import SCRIPT

ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVENT_BUS_")}
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_commands_default_to_the_embedded_bus_in_the_working_directory(
    tmp_path: Path,
) -> None:
    produced = _run(tmp_path, "produce", ENROLLMENT, "--topic", "t", "--count", "2", "-q")
    assert produced.returncode == 0, produced.stderr
    assert (tmp_path / "openedx-events.db").exists()
    tailed = _run(tmp_path, "tail", "--topic", "t", "--from-beginning", "--no-follow", "--json")
    assert tailed.returncode == 0, tailed.stderr
    assert len(tailed.stdout.strip().splitlines()) == 2
