"""``manage.py consume_events`` and ``generate_avro_schemas`` in a real Django project process.

The commands run as ``python -m django ...`` with the test project's settings plus an
``EVENT_BUS_SQLITE_PATH`` of the test's own (Django settings win over the environment, so a
settings module in the test's folder sets it); the test checks what the bus holds afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("django", reason="Django is an optional dependency")

from openedx_events.event_bus import BusProducer
from openedx_events.event_bus.sqlite import SqliteBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data

PROJECT_DIR = Path(__file__).resolve().parent


def _env(db: Path) -> dict[str, str]:
    settings = db.parent / "bus_settings.py"
    settings.write_text(
        f"from djproject.settings import *  # noqa: F403\nEVENT_BUS_SQLITE_PATH = {str(db)!r}\n"
    )
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(db.parent), str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
        ),
        "DJANGO_SETTINGS_MODULE": "bus_settings",
    }


def _manage(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        capture_output=True,
        text=True,
        cwd=db.parent,
        env=_env(db),
        timeout=120,
        check=False,
    )


def _produce(db: Path, topic: str, count: int) -> None:
    producer = BusProducer(SqliteBackend(db))
    for index in range(count):
        data = sample_event_data(COURSE_ENROLLMENT_CREATED, index)
        producer.send(
            signal=COURSE_ENROLLMENT_CREATED,
            topic=topic,
            event_key_field=None,
            event_data=data,
            event_metadata=COURSE_ENROLLMENT_CREATED.generate_signal_metadata(),
        )


def _lag(db: Path, topic: str, group: str) -> int | None:
    for info in SqliteBackend(db).groups(topic):
        if info.group == group:
            return info.lag
    return None


def test_consume_events_consumes_the_topic_until_stopped(tmp_path: Path) -> None:
    """-t and -g choose topic and group; --extra's JSON reaches the consumer factory."""
    db = tmp_path / "bus.db"
    _produce(db, "enrollments", 3)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "django", "consume_events"),
            *("-t", "enrollments", "-g", "g1", "--extra", '{"poll_interval": 0.05}'),
        ],
        cwd=db.parent,
        env=_env(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _lag(db, "enrollments", "g1") != 0:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the consumer did not catch up"
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr


def test_consume_events_refuses_extra_that_is_not_a_json_object(tmp_path: Path) -> None:
    db = tmp_path / "bus.db"
    for extra, message in (("{nope", "not valid JSON"), ("[1]", "must be a JSON object")):
        result = _manage(db, "consume_events", "-t", "t", "-g", "g", "--extra", extra)
        assert result.returncode == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_consume_events_names_a_consumer_factory_that_refuses_the_arguments(
    tmp_path: Path,
) -> None:
    result = _manage(
        tmp_path / "bus.db", "consume_events", "-t", "t", "-g", "g", "--extra", '{"colour": 1}'
    )
    assert result.returncode == 1
    assert "EVENT_BUS_CONSUMER" in result.stderr
    assert "colour" in result.stderr


def test_consume_events_refuses_a_metrics_port_out_of_range(tmp_path: Path) -> None:
    result = _manage(
        tmp_path / "bus.db", "consume_events", "-t", "t", "-g", "g", "--metrics-port", "70000"
    )
    assert result.returncode == 1
    assert "--metrics-port must be from 0 to 65535" in result.stderr
    assert "Traceback" not in result.stderr


def test_generate_avro_schemas_takes_event_types_or_all(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = _manage(
        tmp_path / "bus.db",
        "generate_avro_schemas",
        COURSE_ENROLLMENT_CREATED.event_type,
        "--dir",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert [path.name for path in out.iterdir()] == [
        "org+openedx+learning+course+enrollment+created+v1_schema.avsc"
    ]
    result = _manage(tmp_path / "bus.db", "generate_avro_schemas", "--all", "--dir", str(out))
    assert result.returncode == 0, result.stderr
    assert len(list(out.iterdir())) > 60
