"""Property tests: any valid payload of any event survives encode -> decode unchanged."""

from __future__ import annotations

import io
from typing import Any

import fastavro
import pytest
from avro_strategies import event_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedx_events._private.avro.codec import codec_for
from openedx_events._private.avro.diagnose import checked_decode, checked_encode
from openedx_events.event_bus.avro import (
    deserialize_bytes_to_event_data,
    serialize_event_data_to_bytes,
)
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

ALL_SIGNALS = OpenEdxPublicSignal.all_events()


def _signal_id(signal: OpenEdxPublicSignal) -> str:
    return signal.event_type


def _has_streams(signal: OpenEdxPublicSignal) -> bool:
    return "certificate_config" in signal.event_type


def _assert_same_event(signal: OpenEdxPublicSignal, sent: Any, decoded: Any) -> None:
    codec = codec_for(signal)
    # Streams compare by identity, so compare what they carry: the Avro records.
    assert codec.to_record(decoded) == codec.to_record(sent)
    if not _has_streams(signal):
        assert decoded == sent


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=_signal_id)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_payloads_round_trip(signal: OpenEdxPublicSignal, data: st.DataObject) -> None:
    """Random valid payloads (falsy values, empty lists, huge ints) come back equal."""
    sent = data.draw(event_data(signal))
    blob = serialize_event_data_to_bytes(sent, signal)
    _assert_same_event(signal, sent, deserialize_bytes_to_event_data(blob, signal))


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=_signal_id)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_codec_agrees_with_the_checked_one(
    signal: OpenEdxPublicSignal, data: st.DataObject
) -> None:
    """The generated codec gives the same records and data as the slow field-by-field one."""
    sent = data.draw(event_data(signal))
    codec = codec_for(signal)
    assert codec.to_record(sent) == checked_encode(codec.fields, sent)
    blob = codec.encode(sent)
    _assert_same_event(signal, checked_decode(codec.fields, blob), codec.decode(blob))


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=_signal_id)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_flat_schema_writes_and_reads_the_bytes_of_the_event_schema(
    signal: OpenEdxPublicSignal, data: st.DataObject
) -> None:
    """Bytes go through the flat schema exactly as through the event's own nested one."""
    sent = data.draw(event_data(signal))
    codec = codec_for(signal)
    nested = io.BytesIO()
    fastavro.schemaless_writer(nested, codec.parsed_schema, codec.to_record(sent))
    blob = serialize_event_data_to_bytes(sent, signal)
    assert blob == nested.getvalue()
    read_nested = fastavro.schemaless_reader(io.BytesIO(blob), codec.parsed_schema, None)
    _assert_same_event(
        signal, codec.from_record(read_nested), deserialize_bytes_to_event_data(blob, signal)
    )


@pytest.mark.parametrize("optionals", [True, False])
@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=_signal_id)
def test_every_sample_payload_round_trips(signal: OpenEdxPublicSignal, optionals: bool) -> None:
    """Every catalog event, the two with signatory images included, encodes and decodes."""
    for index in range(3):
        sent = sample_event_data(signal, index, optionals=optionals)
        blob = serialize_event_data_to_bytes(sent, signal)
        _assert_same_event(signal, sent, deserialize_bytes_to_event_data(blob, signal))
