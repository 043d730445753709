"""``openedx-events docs build`` writes each format; ``docs serve`` serves the HTML catalog."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from cli_helpers import SCRIPT, cli, spawn

ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("output_format", "written"),
    [("rst", "events.rst"), ("md", "events.md"), ("asyncapi", "asyncapi.json")],
)
def test_build_writes_the_one_file_formats(
    tmp_path: Path, output_format: str, written: str
) -> None:
    """One page (or document) naming all 75 events."""
    result = cli("docs", "build", "--format", output_format, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert f"wrote 75 events as {output_format}" in result.output
    text = (tmp_path / "out" / written).read_text("utf-8")
    assert ENROLLMENT in text


def test_build_html_writes_the_site(tmp_path: Path) -> None:
    """The index, a page per event and the assets."""
    result = cli("docs", "build", "--format", "html", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "events" / f"{ENROLLMENT}.html").is_file()
    assert (tmp_path / "assets" / "catalog.js").is_file()


def test_build_routes_from_a_producer_config_file(tmp_path: Path) -> None:
    """--producer-config gives the topics: the AsyncAPI channels."""
    config = tmp_path / "config.json"
    route = {"event_key_field": "enrollment.course.course_key", "enabled": True}
    config.write_text(json.dumps({ENROLLMENT: {"enrollments": route}}), encoding="utf-8")
    result = cli(
        "docs", "build", "--format", "asyncapi", "--out", str(tmp_path), "--producer-config",
        str(config),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "asyncapi.json").read_text("utf-8"))
    assert document["channels"]["enrollments"]["address"] == "enrollments"


def test_build_takes_a_plugins_events_with_module(tmp_path: Path) -> None:
    """--module imports the plugin first; its event is in the catalog (a real subprocess)."""
    package = tmp_path / "docs_cli_plugin"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "signals.py").write_text(
        "import attrs\nfrom openedx_events.tooling import OpenEdxPublicSignal\n\n\n"
        "@attrs.frozen\nclass PingData:\n    count: int\n\n\n"
        'PING_SENT = OpenEdxPublicSignal(event_type="org.openedx.ping.ping.sent.v1",'
        ' data={"ping": PingData}, signal_name="PING_SENT")\n',
        encoding="utf-8",
    )
    command = ["docs", "build", "--format", "md", "--out", "out", "-m", "docs_cli_plugin.signals"]
    done = subprocess.run(
        [str(SCRIPT), *command], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out" / "events.md").read_text("utf-8")
    assert "#### org.openedx.ping.ping.sent.v1" in text
    assert "- **Defined at:** `docs_cli_plugin/signals.py` (line 10)" in text
    assert "wrote 76 events" in done.stdout


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--format", "pdf", "--out", "x"], 2, "Error: Invalid value for '--format': 'pdf'"),
        (["--format", "md"], 2, "Error: Missing option '--out'"),
        (["--format", "md", "--out", "x", "-m", "no_such.plugin"], 2, "cannot import no_such"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(
    tmp_path: Path, args: list[str], status: int, message: str
) -> None:
    """No usage text, no traceback: one ``Error: ...`` line."""
    done = _run("docs", "build", *args)
    assert done.returncode == status
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: ")
    assert message in line


def test_a_bad_producer_config_is_one_error_line_naming_the_event(tmp_path: Path) -> None:
    """Exit 1, the event type and the path at fault in the message."""
    config = tmp_path / "config.json"
    route = {"event_key_field": "enrollment.nope", "enabled": True}
    config.write_text(json.dumps({ENROLLMENT: {"t": route}}), encoding="utf-8")
    done = _run("docs", "build", "--format", "md", "--out", str(tmp_path / "o"),
                "--producer-config", str(config))  # fmt: skip
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: ")
    assert ENROLLMENT in line
    assert "enrollment.nope" in line


def test_an_unwritable_out_directory_is_one_error_line(tmp_path: Path) -> None:
    """A path below a file cannot be a directory: exit 1."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    done = _run("docs", "build", "--format", "md", "--out", str(blocker / "out"))
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"Error: cannot write to {blocker / 'out'}")


def test_serve_builds_the_site_and_serves_it_over_http() -> None:
    """A real server on a free port: the index, an event page and the script."""
    process = spawn("docs", "serve", "--port", "0")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Serving the event catalog at http://127.0.0.1:"), line
        address = line.split(" at ", 1)[1].split(" ", 1)[0]
        for path in ("", f"events/{ENROLLMENT}.html", "assets/catalog.js"):
            with urllib.request.urlopen(address + path, timeout=10) as response:
                assert response.status == 200
                assert response.read()
        with urllib.request.urlopen(address + "index.html", timeout=10) as response:
            assert "75 of 75 events" in response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
