"""``openedx-events demo``: the main job, run for real in subprocesses on a SQLite file."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from openedx_events.cli._demo_worker import is_faulty
from openedx_events.cli._wire import bus_signals

# The demo starts a producer and consumer processes.
pytestmark = pytest.mark.slow


def _demo(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = shutil.which("openedx-events", path=str(Path(sys.executable).parent))
    assert command is not None, "the openedx-events script is installed beside the interpreter"
    return subprocess.run(
        [command, "demo", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"COLUMNS": "80", "PATH": str(Path(sys.executable).parent), "TERM": "dumb"},
        check=False,
    )


def _summary_value(output: str, label: str) -> str:
    match = re.search(rf"^[│|]\s*{re.escape(label)}\s*[│|]\s*(\S+)", output, re.MULTILINE)
    assert match is not None, f"no '{label}' in the summary:\n{output}"
    return match.group(1)


def _subdomain_rows(output: str) -> dict[str, tuple[int, int]]:
    """The per-subdomain table: subdomain -> (sent, delivered)."""
    rows = {}
    numbers = r"\s*│\s*([\d,]+)"
    for match in re.finditer(rf"^│ ([a-z_]+)\s*{numbers * 2}", output, re.MULTILINE):
        rows[match.group(1)] = tuple(int(match.group(i).replace(",", "")) for i in (2, 3))
    rows.pop("total", None)
    return rows  # type: ignore[return-value]  # two numbers by construction


def test_demo_delivers_every_event_and_prints_the_closing_table(tmp_path: Path) -> None:
    """2,000 events through 2 consumer processes: exit 0, a full table, nothing lost."""
    db = tmp_path / "bus.sqlite3"
    result = _demo("--count", "2000", "--db", str(db), "--fail-every", "100")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Every event was delivered." in out
    assert _summary_value(out, "events produced") == "2,000"
    assert _summary_value(out, "events delivered") == "2,000"
    assert _summary_value(out, "lost") == "0"
    assert _summary_value(out, "dead letters") == "0"
    for heading in ("p50 ms", "p99 ms", "retried", "dead letters", "end-to-end throughput"):
        assert heading in out
    rows = _subdomain_rows(out)
    signals = bus_signals()
    assert set(rows) == {signal.event_type.split(".")[2] for signal in signals}
    assert sum(sent for sent, _ in rows.values()) == 2000
    for subdomain, (sent, delivered) in rows.items():
        assert sent == delivered, subdomain
    assert len(out.splitlines()) < 60, "the closing tables fit one screen"
    assert db.exists(), "the bus database given with --db is kept"


def test_demo_retries_the_injected_failures_without_losing_them(tmp_path: Path) -> None:
    """Every event whose first attempt fails on purpose is retried and delivered."""
    result = _demo("--count", "600", "--db", str(tmp_path / "bus.sqlite3"), "--fail-every", "20")
    assert result.returncode == 0, result.stdout + result.stderr
    failed = int(_summary_value(result.stdout, "failed attempts (injected)").replace(",", ""))
    retried = int(_summary_value(result.stdout, "retried, then delivered").replace(",", ""))
    counted = int(_summary_value(result.stdout, "retries counted by the consumers"))
    assert failed > 0
    assert retried == failed == counted


def test_demo_exits_non_zero_when_events_are_not_delivered() -> None:
    """With no consumer to deliver them, every event is lost and the demo exits 1."""
    result = _demo("--count", "50", "--consumers", "0", "--timeout", "0.5")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "50 event(s) were never delivered" in result.stdout
    assert _summary_value(result.stdout, "lost") == "50"


def test_demo_rejects_a_negative_count() -> None:
    """``--count`` must be at least 1: a usage error, exit 2."""
    assert _demo("--count", "0").returncode == 2


def test_demo_reports_a_broken_bus_file_before_starting_workers(tmp_path: Path) -> None:
    """A bus file that is not a database: one error line, exit 1, no worker started."""
    db = tmp_path / "not-a-database.sqlite3"
    db.write_text("this is not a SQLite database " * 10)
    result = _demo("--count", "10", "--db", str(db), "--timeout", "0.5")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: the event bus file {db} is not a usable SQLite")


def test_fault_injection_picks_about_one_event_in_n() -> None:
    """``--fail-every N`` fails about 1/N of the events, every event for 1, and none for 0."""
    ids = [uuid.uuid1().bytes for _ in range(5000)]
    assert all(is_faulty(event_id, 1) for event_id in ids)
    assert not any(is_faulty(event_id, 0) for event_id in ids)
    picked = sum(is_faulty(event_id, 10) for event_id in ids)
    assert 350 < picked < 650
