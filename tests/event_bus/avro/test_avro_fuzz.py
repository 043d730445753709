"""Fuzzing the decoder: no input makes it hang or raise anything but the typed error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedx_events.event_bus.avro import (
    AvroSignalSerializer,
    deserialize_bytes_to_event_data,
    serialize_event_data_to_bytes,
)
from openedx_events.exceptions import EventDeserializationError
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

ALL_SIGNALS = OpenEdxPublicSignal.all_events()
# A fuzz case taking this long means the decoder loops on the input: a failure.
_DEADLINE_MS = 500


def _decode_or_typed_error(data: bytes, signal: OpenEdxPublicSignal) -> None:
    try:
        decoded = deserialize_bytes_to_event_data(data, signal)
    except EventDeserializationError as error:
        failure: EventDeserializationError | None = error
    else:
        failure = None
    if failure is not None:
        assert failure.event_type == signal.event_type
        return
    # Whatever decodes is a valid event: it encodes again, and that decodes to the same data.
    again = serialize_event_data_to_bytes(decoded, signal)
    redecoded = deserialize_bytes_to_event_data(again, signal)
    assert _comparable(redecoded, signal) == _comparable(decoded, signal)


def _comparable(event_data: dict[str, Any], signal: OpenEdxPublicSignal) -> str:
    # The repr of the Avro record: NaN equals NaN there, and streams show their bytes.
    return repr(AvroSignalSerializer(signal).to_dict(event_data))


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=str)
@settings(max_examples=30, deadline=_DEADLINE_MS, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300))
def test_random_bytes(signal: OpenEdxPublicSignal, data: bytes) -> None:
    """Random bytes decode to a valid event or raise EventDeserializationError."""
    _decode_or_typed_error(data, signal)


def _mutate(blob: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    data = bytearray(blob)
    for kind, position, value in edits:
        if not data:
            data.append(value)
            continue
        at = position % len(data)
        if kind == 0:
            data[at] = value
        elif kind == 1:
            data.insert(at, value)
        else:
            del data[at]
    return bytes(data)


_EDITS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.integers(0, 255)),
    min_size=1,
    max_size=4,
)


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=str)
@settings(max_examples=40, deadline=_DEADLINE_MS, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, 5), edits=_EDITS)
def test_mutated_valid_payloads(
    signal: OpenEdxPublicSignal, index: int, edits: list[tuple[int, int, int]]
) -> None:
    """Valid payloads with bytes flipped, inserted or deleted never escape the typed error."""
    blob = serialize_event_data_to_bytes(sample_event_data(signal, index), signal)
    _decode_or_typed_error(_mutate(blob, edits), signal)
