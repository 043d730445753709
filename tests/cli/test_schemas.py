"""``openedx-events schemas export|check`` and ``manage.py generate_avro_schemas``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from openedx_events._private.avro.snapshot import schema_file_name
from openedx_events.cli.main import main

ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["schemas", *args])
    return result.exit_code, result.output


def _export(directory: Path) -> Path:
    code, output = _run("export", "--dir", str(directory))
    assert code == 0, output
    return directory / schema_file_name(ENROLLMENT)


def _edit(path: Path, change: object) -> None:
    schema = json.loads(path.read_text())
    change(schema["fields"][0]["type"]["fields"])  # type: ignore[operator]
    path.write_text(json.dumps(schema))


def test_export_writes_one_avsc_per_event(tmp_path: Path) -> None:
    """Export writes the 75 schemas; a fresh check finds them all unchanged."""
    _export(tmp_path)
    assert len(list(tmp_path.glob("*.avsc"))) == 75
    code, output = _run("check", "--dir", str(tmp_path))
    assert code == 0
    assert "75 unchanged" in output


def test_check_fails_and_names_a_breaking_change(tmp_path: Path) -> None:
    """A snapshot lacking a required field the code has fails the check, naming the field."""
    path = _export(tmp_path)
    _edit(path, lambda fields: fields.pop(2))  # the snapshot lacks "mode"
    code, output = _run("check", "--dir", str(tmp_path))
    assert code == 1
    assert f"breaking   {ENROLLMENT}" in output
    assert "backward: field-added-without-default" in output
    assert "new field without a default: enrollment.mode" in output


def test_check_accepts_a_compatible_change(tmp_path: Path) -> None:
    """A snapshot without the optional created_by differs, compatibly: exit 0."""
    path = _export(tmp_path)
    _edit(path, lambda fields: fields.pop(5))
    code, output = _run("check", "--dir", str(tmp_path), ENROLLMENT)
    assert code == 0
    assert f"compatible {ENROLLMENT}" in output


def test_check_reports_new_and_removed_events(tmp_path: Path) -> None:
    """An event with no snapshot is new; a snapshot with no event is a removal, which breaks."""
    _export(tmp_path)
    (tmp_path / schema_file_name(ENROLLMENT)).rename(
        tmp_path / schema_file_name("org.openedx.learning.gone.v1")
    )
    code, output = _run("check", "--dir", str(tmp_path))
    assert code == 1
    assert f"new        {ENROLLMENT}" in output
    assert "removed    org.openedx.learning.gone.v1" in output


def test_an_unknown_event_type_is_a_usage_error(tmp_path: Path) -> None:
    """Naming an event type nobody defined exits 2 with the reason."""
    code, output = _run("check", "--dir", str(tmp_path), "org.openedx.nope.v1")
    assert code == 2
    assert "org.openedx.nope.v1" in output


def test_a_signal_name_is_accepted_as_elsewhere(tmp_path: Path) -> None:
    """``COURSE_ENROLLMENT_CREATED`` names the event here as in every other command."""
    _export(tmp_path)
    code, output = _run("check", "--dir", str(tmp_path), "COURSE_ENROLLMENT_CREATED")
    assert code == 0, output
    assert output.strip().endswith("1 unchanged, 0 compatible, 0 breaking, 0 new, 0 removed")


def _manage(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "schema_settings.py").write_text(
        textwrap.dedent(
            """
            SECRET_KEY = "schema-command-test"
            INSTALLED_APPS = ["openedx_events"]
            USE_TZ = True
            """
        )
    )
    script = "import django, sys; from django.core.management import execute_from_command_line\n"
    script += "django.setup(); execute_from_command_line(['manage.py', *sys.argv[1:]])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "schema_settings", "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", script, "generate_avro_schemas", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_django_command_exports_and_checks(tmp_path: Path) -> None:
    """The management command writes the snapshot, and --check fails on a breaking change."""
    directory = tmp_path / "schemas"
    exported = _manage(tmp_path, "--all", "--dir", str(directory))
    assert exported.returncode == 0, exported.stderr
    assert "wrote 75 schemas" in exported.stdout
    checked = _manage(tmp_path, "--all", "--check", "--dir", str(directory))
    assert checked.returncode == 0, checked.stderr
    _edit(directory / schema_file_name(ENROLLMENT), lambda fields: fields.pop(2))
    broken = _manage(tmp_path, ENROLLMENT, "--check", "--dir", str(directory))
    assert broken.returncode == 1
    assert "field-added-without-default" in broken.stdout
    assert f"breaking schema changes in: {ENROLLMENT}" in broken.stderr
