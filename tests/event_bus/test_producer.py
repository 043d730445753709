"""The built-in producer and the tools that read a topic without consuming it."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from openedx_events.event_bus import Backend, BusProducer, decode_record, tail
from openedx_events.exceptions import EventSerializationError, ProducerConfigurationError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.learning.signals import SESSION_LOGIN_COMPLETED
from openedx_events.samples import sample_event_data


def _send(backend: Backend, index: int, **overrides: Any) -> None:
    options: dict[str, Any] = {
        "signal": SIGNAL,
        "topic": "t",
        "event_key_field": SIGNAL.event_key_field,
        "event_data": sample_event_data(SIGNAL, index),
        "event_metadata": SIGNAL.generate_signal_metadata(),
    }
    options.update(overrides)
    BusProducer(backend).send(**options)


def test_a_sent_event_reads_back_with_its_metadata_data_and_key(backend: Backend) -> None:
    metadata = SIGNAL.generate_signal_metadata()
    data = sample_event_data(SIGNAL, 4)
    _send(backend, 4, event_metadata=metadata, event_data=data)
    (record,) = backend.read("t")
    event = decode_record(record)
    assert (event.signal, event.metadata, event.data) == (SIGNAL, metadata, data)
    assert record.key == str(data["enrollment"].course.course_key)
    assert record.headers["type"] == SIGNAL.event_type


def test_a_key_field_that_leads_nowhere_stores_nothing(backend: Backend) -> None:
    with pytest.raises(ProducerConfigurationError, match="has no field 'nope'"):
        _send(backend, 0, event_key_field="enrollment.nope")
    assert backend.read("t") == []


def test_a_key_field_naming_a_record_stores_nothing(backend: Backend) -> None:
    """A key must be a value; a whole record would key the message by its repr."""
    with pytest.raises(ProducerConfigurationError, match=r"names a record \(CourseData\)"):
        _send(backend, 0, event_key_field="enrollment.course")
    assert backend.read("t") == []


def test_metadata_of_another_signal_stores_nothing(backend: Backend) -> None:
    """Sent under another event's metadata, the event would be delivered as that event."""
    other = SESSION_LOGIN_COMPLETED.generate_signal_metadata()
    with pytest.raises(ProducerConfigurationError, match=r"metadata of .*login\.completed"):
        _send(backend, 0, event_metadata=other)
    assert backend.read("t") == []


@pytest.mark.parametrize("signal", [None, "org.openedx.learning.course.enrollment.created.v1"])
def test_a_signal_that_is_not_a_signal_is_a_typed_error(backend: Backend, signal: Any) -> None:
    with pytest.raises(ProducerConfigurationError, match="signal must be an OpenEdxPublicSignal"):
        _send(backend, 0, signal=signal)
    with pytest.raises(ProducerConfigurationError, match="signal must be an OpenEdxPublicSignal"):
        BusProducer(backend).send_batch(signal=signal, topic="t", event_key_field=None, events=[])
    assert backend.read("t") == []


def test_data_that_does_not_fit_the_schema_stores_nothing(backend: Backend) -> None:
    producer = BusProducer(backend)
    good = (sample_event_data(SIGNAL, 0), SIGNAL.generate_signal_metadata())
    bad = ({"enrollment": "not an enrollment"}, SIGNAL.generate_signal_metadata())
    with pytest.raises(EventSerializationError):
        producer.send_batch(signal=SIGNAL, topic="t", event_key_field=None, events=[good, bad])
    assert backend.read("t") == []


def test_tail_reads_everything_then_follows_until_stopped(backend: Backend) -> None:
    for index in range(3):
        _send(backend, index)
    assert len(list(tail(backend, "t", batch_size=2))) == 3
    stop = threading.Event()
    seen = []
    for record in tail(backend, "t", after=backend.read("t")[1].position, follow=True, stop=stop):
        seen.append(record.position)
        if len(seen) == 1:
            _send(backend, 9)
        else:
            stop.set()
    assert len(seen) == 2
    assert backend.groups("t") == []  # tailing joined no group and committed nothing
