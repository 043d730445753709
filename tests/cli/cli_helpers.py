"""Running the command line in-process (CliRunner) and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from openedx_events.cli import main

SCRIPT = Path(sys.executable).parent / "openedx-events"


def cli(*args: str, input: str | None = None, width: int = 80) -> Result:
    """Run the command line in this process, as ``openedx-events ARGS``, ``width`` columns wide."""
    runner = CliRunner(env={"COLUMNS": str(width)})
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON documents of a command's output, one per line."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def spawn(*args: str) -> subprocess.Popen[str]:
    """Start ``openedx-events ARGS`` as a subprocess with its output piped."""
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.Popen(
        [str(SCRIPT), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
