"""A Django service's events keep their send_event's trace through on_commit and the outbox.

Both modes encode the event inside the transaction and publish it later, outside the
``create`` span: the message keeps that span's context from the start. After the commit, the
``send`` span continues it; the relay sends a batch of rows from different traces, so each
row keeps its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django", reason="Django is an optional dependency")
pytest.importorskip("opentelemetry.sdk", reason="tracing is an optional extra")
pytest.importorskip("prometheus_client", reason="metrics are an optional extra")

from _django_helpers import PROJECT_DIR, Project

SERVICE = Path(__file__).with_name("_traced_service.py")
ENROLLED = "org.openedx.learning.course.enrollment.created.v1"


def _run_service(tmp_path: Path, mode: str) -> dict[str, Any]:
    project = Project(tmp_path, "sqlite", str(tmp_path / "db.sqlite3"), DJPROJECT_MODE=mode)
    project.run("migrate", "--verbosity", "0")
    out = tmp_path / "traced.json"
    subprocess.run(
        [sys.executable, str(SERVICE), str(out)],
        check=True,
        timeout=120,
        cwd=PROJECT_DIR,
        env=project.env,
    )
    found: dict[str, Any] = json.loads(out.read_text())
    return found


def _named(spans: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [span for span in spans if span["name"] == name]


def _parent_of(headers: dict[str, str]) -> tuple[str, str]:
    _, trace_id, span_id, _ = headers["traceparent"].split("-")
    return trace_id, span_id


def test_after_the_commit_the_send_span_continues_the_events_trace(tmp_path: Path) -> None:
    found = _run_service(tmp_path, "on_commit")
    creates = _named(found["spans"], f"create {ENROLLED}")
    sends = _named(found["spans"], "send enrollments")
    assert len(creates) == len(sends) == 2
    for create, send, headers in zip(creates, sends, found["headers"], strict=True):
        assert (send["trace_id"], send["parent_id"]) == (create["trace_id"], create["span_id"])
        assert _parent_of(headers) == (send["trace_id"], send["span_id"])
    assert found["published"] == 2


def test_each_row_the_relay_sends_keeps_its_events_trace(tmp_path: Path) -> None:
    found = _run_service(tmp_path, "outbox")
    creates = _named(found["spans"], f"create {ENROLLED}")
    (send,) = _named(found["spans"], "send enrollments")  # one batch of both rows
    assert send["parent_id"] is None
    assert [_parent_of(h) for h in found["headers"]] == [
        (create["trace_id"], create["span_id"]) for create in creates
    ]
    assert found["published"] == 2
