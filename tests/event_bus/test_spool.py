"""An event the bus cannot take is raised out of ``send_event`` or kept in the spool: never lost.

These run on the embedded bus: its file is made unusable (its folder does not exist yet), then
usable (the folder appears), as a Redis server goes down and comes back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openedx_events import configure
from openedx_events.event_bus import (
    BusProducer,
    EventNotPublishedError,
    connect_producer_receivers,
    decode_record,
    get_producer,
)
from openedx_events.event_bus.sqlite import SqliteBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data

SIGNAL = COURSE_ENROLLMENT_CREATED


@pytest.fixture
def unusable_bus(bus_settings: Path, tmp_path: Path) -> Path:
    """Settings routing enrollments to an embedded bus whose folder does not exist yet."""
    path = tmp_path / "later" / "bus.db"
    configure(
        EVENT_BUS_SQLITE_PATH=str(path),
        EVENT_BUS_PRODUCER_CONFIG={
            SIGNAL.event_type: {"enrollments": {"event_key_field": None, "enabled": True}}
        },
    )
    return path


def test_send_event_raises_when_the_bus_refuses_the_event(unusable_bus: Path) -> None:
    connect_producer_receivers()
    got: list[object] = []
    SIGNAL.connect(lambda **kwargs: got.append(kwargs), weak=False, dispatch_uid="after")
    try:
        with pytest.raises(EventNotPublishedError, match="cannot open the event bus file"):
            SIGNAL.send_event(**sample_event_data(SIGNAL, 0))
    finally:
        SIGNAL.disconnect(dispatch_uid="after")
    assert len(got) == 1  # the other receivers had the event before the error came out


def test_with_a_spool_the_events_reach_the_bus_in_order_once_it_works(
    unusable_bus: Path, tmp_path: Path
) -> None:
    configure(EVENT_BUS_SPOOL_PATH=str(tmp_path / "spool.db"))
    connect_producer_receivers()
    sent = [sample_event_data(SIGNAL, i) for i in range(3)]
    for data in sent:
        SIGNAL.send_event(**data)
    producer = get_producer()
    assert isinstance(producer, BusProducer)
    assert producer.spool is not None
    assert len(producer.spool) == 3
    unusable_bus.parent.mkdir()
    try:
        assert producer.spool.flush(timeout=20)
    finally:
        producer.spool.close()
    backend = SqliteBackend(unusable_bus)
    delivered = [decode_record(record).data for record in backend.read("enrollments")]
    assert delivered == sent
    backend.close()
