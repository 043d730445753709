"""The bytes on the wire equal the reference implementation's, vector by vector.

The vectors are the golden wire data (tests/golden, written by tools/golden_wire.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from golden_data import wire_vectors
from openedx_events.event_bus.avro import (
    AvroSignalDeserializer,
    AvroSignalSerializer,
    deserialize_bytes_to_event_data,
    event_key_bytes,
    event_key_wire_value,
    serialize_event_data_to_bytes,
)
from openedx_events.exceptions import EventSerializationError
from openedx_events.tooling import OpenEdxPublicSignal


def _signal(vector: dict[str, Any]) -> OpenEdxPublicSignal:
    return OpenEdxPublicSignal.get_signal_by_type(vector["event_type"])


def _value_at(event_data: dict[str, Any], path: str) -> Any:
    first, *rest = path.replace("]", "").replace("[", ".").split(".")
    value = event_data[first]
    for part in rest:
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    return value


@pytest.mark.parametrize("vector", wire_vectors(), ids=lambda vector: vector["vector_id"])
def test_decoding_the_reference_bytes_gives_the_vector_record(vector: dict[str, Any]) -> None:
    """Decoded data, written back as an Avro record, is exactly the vector's event_data."""
    signal = _signal(vector)
    decoded = deserialize_bytes_to_event_data(bytes.fromhex(vector["avro_bytes_hex"]), signal)
    assert AvroSignalSerializer(signal).to_dict(decoded) == vector["event_data"]


@pytest.mark.parametrize("vector", wire_vectors(), ids=lambda vector: vector["vector_id"])
def test_encoding_gives_the_reference_bytes(vector: dict[str, Any]) -> None:
    """Data built from the vector's record encodes to the reference's bytes exactly."""
    signal = _signal(vector)
    event_data = AvroSignalDeserializer(signal).from_dict(vector["event_data"])
    encoded = serialize_event_data_to_bytes(event_data, signal)
    assert encoded.hex() == vector["avro_bytes_hex"]
    assert len(encoded) == vector["avro_bytes_len"]


@pytest.mark.parametrize("vector", wire_vectors(), ids=lambda vector: vector["vector_id"])
def test_falsy_values_survive_the_round_trip(vector: dict[str, Any]) -> None:
    """Where the reference decoder loses a sent value (False, 0, ...), ours keeps it."""
    signal = _signal(vector)
    decoded = deserialize_bytes_to_event_data(bytes.fromhex(vector["avro_bytes_hex"]), signal)
    for difference in vector.get("upstream_roundtrip_differences") or []:
        sent = _value_at(decoded, difference["path"])
        assert sent == difference["sent"]
        assert type(sent) is type(difference["sent"])
    # And the whole payload comes back equal, not just the listed paths.
    assert (
        deserialize_bytes_to_event_data(serialize_event_data_to_bytes(decoded, signal), signal)
        == decoded
    )


@pytest.mark.parametrize("vector", wire_vectors(), ids=lambda vector: vector["vector_id"])
def test_event_key_matches_the_vector(vector: dict[str, Any]) -> None:
    """The key is the value at event_key_field, as an Avro string; keyless events refuse one."""
    signal = _signal(vector)
    decoded = deserialize_bytes_to_event_data(bytes.fromhex(vector["avro_bytes_hex"]), signal)
    if "event_key_error" in vector:
        # A documented key path the data lacks: the reference cannot key it, nor can we.
        assert signal.event_key_field
        with pytest.raises(EventSerializationError):
            event_key_wire_value(decoded, signal)
        return
    if "event_key" not in vector:
        assert signal.event_key_field is None
        with pytest.raises(EventSerializationError, match="no event_key_field"):
            event_key_wire_value(decoded, signal)
        return
    assert vector["event_key"]["field"] == signal.event_key_field
    value = vector["event_key"]["value"]
    assert event_key_wire_value(decoded, signal) == value
    raw = value.encode()
    assert event_key_bytes(decoded, signal) == _avro_long(len(raw)) + raw


def _avro_long(number: int) -> bytes:
    zigzag, out = (number << 1) ^ (number >> 63), bytearray()
    while zigzag > 0x7F:
        out.append(zigzag & 0x7F | 0x80)
        zigzag >>= 7
    return bytes([*out, zigzag])
