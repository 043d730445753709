"""Bus log lines name the event they are about and quote none of its personal data."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from _observed_bus import ObservedBus

from openedx_events import configure
from openedx_events._private.settings import reset_configuration
from openedx_events.event_bus import BusConsumer, BusProducer, RetryPolicy
from openedx_events.event_bus.memory import MemoryBackend
from openedx_events.event_bus.sqlite import SqliteBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data

TOPIC = "logged-enrollments"


def _personal_data(count: int) -> list[str]:
    users = [sample_event_data(SIGNAL, i)["enrollment"].user for i in range(count)]
    return [u.pii.email for u in users] + [u.pii.username for u in users]


def test_a_failing_deliverys_logs_hold_no_email_or_username(tmp_path: Path) -> None:
    bus = ObservedBus(tmp_path, "sqlite")
    bus.produce(TOPIC, 3)
    # The receiver's error quotes the user's email and username, as database errors do.
    _, log = bus.consume(TOPIC, "logged", "--fail-mod", "1")
    assert "Dead-lettered" in log
    assert "ValueError raised at _observed_worker.py" in log
    for value in _personal_data(3):
        assert value not in log
    backend = SqliteBackend(tmp_path / "bus.db")
    records = backend.read(TOPIC)
    backend.close()
    errors = [line for line in log.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 3 * 3  # a first and a second attempt, then the dead letter
    for record in records:
        about = [line for line in errors if f"event_id={record.headers['id']}" in line]
        assert len(about) == 3
        for line in about:
            assert f"event_type={SIGNAL.event_type}" in line
            assert f"topic={TOPIC}" in line
            assert f"position={record.position}" in line


@pytest.fixture
def details() -> Iterator[None]:
    reset_configuration()
    configure(EVENT_BUS_LOG_ERROR_DETAILS=True)
    yield
    reset_configuration()


def _fail_once_each(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    backend = MemoryBackend()
    data = sample_event_data(SIGNAL, 0)
    BusProducer(backend).send(
        signal=SIGNAL,
        topic=TOPIC,
        event_key_field=None,
        event_data=data,
        event_metadata=SIGNAL.generate_signal_metadata(),
    )

    def refuse(enrollment: object, **kwargs: object) -> None:
        raise ValueError(f"no account for {data['enrollment'].user.pii.email}")

    SIGNAL.connect(refuse, weak=False)
    try:
        with caplog.at_level(logging.ERROR, logger="openedx_events"):
            BusConsumer(backend, topic=TOPIC, group_id="g", retry=RetryPolicy(max_attempts=1)).run(
                until_idle=True
            )
    finally:
        SIGNAL.disconnect(refuse)
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_log_records_carry_the_event_fields_for_structured_handlers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    (failed, dead_lettered) = _fail_once_each(caplog)
    for record in (failed, dead_lettered):
        assert record.event_type == SIGNAL.event_type  # type: ignore[attr-defined]
        assert record.topic == TOPIC  # type: ignore[attr-defined]
        assert record.position == "1"  # type: ignore[attr-defined]
        assert record.event_id  # type: ignore[attr-defined]
        assert "@" not in record.getMessage()
    assert failed.exc_info is not None
    logged = logging.Formatter().formatException(failed.exc_info)
    assert "raise ValueError" in logged
    assert "@" not in logged


def test_error_details_are_logged_when_the_site_asks_for_them(
    caplog: pytest.LogCaptureFixture, details: None
) -> None:
    (failed, _) = _fail_once_each(caplog)
    assert "no account for" in failed.getMessage()
    assert failed.exc_info is not None
    assert "@example.com" in logging.Formatter().formatException(failed.exc_info)
