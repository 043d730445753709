"""The generated binary writer and reader against fastavro, the codec of record.

The writer must write fastavro's bytes exactly and the reader must give what fastavro's
read gives; where either refuses an input, the codec's result or typed error must be the one
the fastavro path alone gives (a codec with the generated functions switched off).
"""

from __future__ import annotations

import io
import struct
from typing import Any

import attrs
import fastavro
import pytest
from avro_strategies import event_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedx_events._private.avro.binary_read import compile_reader
from openedx_events._private.avro.binary_write import compile_writer, long_bytes
from openedx_events._private.avro.codec import SignalCodec, codec_for
from openedx_events._private.avro.decoder import compile_flat_decoder
from openedx_events._private.avro.encoder import compile_flat_encoder
from openedx_events._private.avro.model import record_node
from openedx_events._private.avro.schema import flat_schema
from openedx_events._private.registry import SignalRegistry
from openedx_events.event_bus.avro.custom_types import register_custom_type
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

ALL_SIGNALS = OpenEdxPublicSignal.all_events()
_fastavro_only: dict[OpenEdxPublicSignal, SignalCodec] = {}


def _fastavro_codec(signal: OpenEdxPublicSignal) -> SignalCodec:
    """The signal's codec with the generated binary functions off: today's fastavro path."""
    codec = _fastavro_only.get(signal)
    if codec is None:
        codec = _fastavro_only[signal] = SignalCodec(signal)
        codec.write_bytes = codec.read_bytes = None
    return codec


def _fastavro_bytes(codec: SignalCodec, data: dict[str, Any]) -> bytes:
    # The nested schema and record, as the wire defines them (not the flat ones).
    out = io.BytesIO()
    fastavro.schemaless_writer(out, codec.parsed_schema, codec.record(data))
    return out.getvalue()


def _outcome(codec: SignalCodec, call: str, argument: Any) -> tuple[Any, ...]:
    """What one encode or decode gives, comparable: the result (as an Avro record) or error."""
    try:
        result = getattr(codec, call)(argument)
    except Exception as error:
        return ("error", type(error), str(error), getattr(error, "field", None))
    return ("ok", repr(codec.record(result)) if call == "decode" else result)


def _check_event(signal: OpenEdxPublicSignal, data: dict[str, Any]) -> None:
    codec = codec_for(signal)
    assert codec.write_bytes is not None
    assert codec.read_bytes is not None
    expected = _fastavro_bytes(codec, data)
    written = codec.write_bytes(data)
    assert written == expected
    read = codec.read_bytes(written)
    today = _fastavro_codec(signal).decode(written)
    # Streams compare by identity, so compare what they carry: the Avro records.
    assert repr(codec.record(read)) == repr(codec.record(today))
    assert read.keys() == today.keys()
    assert [type(value) for value in read.values()] == [type(value) for value in today.values()]


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=str)
def test_samples_are_written_and_read_as_fastavro_does(signal: OpenEdxPublicSignal) -> None:
    """Every signal's sample payloads: fastavro's bytes, and fastavro's decoded data."""
    for index in range(6):
        _check_event(signal, sample_event_data(signal, index))


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=str)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_payloads_are_written_and_read_as_fastavro_does(
    signal: OpenEdxPublicSignal, data: st.DataObject
) -> None:
    """Unicode and empty strings, ±2**63 longs, None, empty and longer lists and maps."""
    _check_event(signal, data.draw(event_data(signal)))


# --- one data class with every type, against fastavro directly --------------------------------


@attrs.frozen
class Part:
    count: int
    label: str


@attrs.frozen
class Everything:
    number: int
    flag: bool
    text: str
    blob: bytes
    ratio: float
    numbers: list[int]
    scores: dict[str, int]
    parts: list[Part]
    part: Part
    maybe_text: str | None = None
    maybe_number: int | None = None
    maybe_part: Part | None = None
    maybe_scores: dict[str, str] | None = None


FIELDS = record_node(Everything).fields
SCHEMA = fastavro.parse_schema(flat_schema("test.everything", FIELDS))
WRITE = compile_writer(FIELDS, "test.everything")
READ = compile_reader(FIELDS, "test.everything")
FROM_FASTAVRO = compile_flat_decoder(FIELDS, "test.everything")
TO_FASTAVRO = compile_flat_encoder(FIELDS, "test.everything")
_PART = st.builds(Part, st.integers(-(2**63), 2**63 - 1), st.text(max_size=8))
_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
EVERYTHING = st.fixed_dictionaries(
    {
        "number": st.integers(-(2**63), 2**63 - 1)
        | st.sampled_from([-(2**63), 2**63 - 1, -65, -64, 63, 64, 0]),
        "flag": st.booleans(),
        "text": _TEXT,
        "blob": st.binary(max_size=600),
        "ratio": st.floats(allow_nan=False),
        "numbers": st.lists(st.integers(-(2**63), 2**63 - 1), max_size=5),
        "scores": st.dictionaries(_TEXT, st.integers(-(2**63), 2**63 - 1), max_size=4),
        "parts": st.lists(_PART, max_size=3),
        "part": _PART,
        "maybe_text": st.none() | _TEXT,
        "maybe_number": st.none() | st.integers(-(2**63), 2**63 - 1),
        "maybe_part": st.none() | _PART,
        "maybe_scores": st.none() | st.dictionaries(_TEXT, _TEXT, max_size=3),
    }
)


def _fastavro_write(data: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, SCHEMA, TO_FASTAVRO(data))
    return out.getvalue()


def _fastavro_read(blob: bytes) -> dict[str, Any]:
    stream = io.BytesIO(blob)
    record = fastavro.schemaless_reader(stream, SCHEMA, None)
    if stream.tell() != len(blob):
        raise ValueError("trailing bytes")
    return FROM_FASTAVRO(record)  # type: ignore[no-any-return]


@settings(max_examples=300, deadline=None)
@given(data=EVERYTHING)
def test_every_type_is_written_and_read_as_fastavro_does(data: dict[str, Any]) -> None:
    """Each leaf type, optional or not, nested or in arrays and maps, at its edges."""
    blob = WRITE(data)
    assert blob == _fastavro_write(data)
    assert READ(blob) == _fastavro_read(blob) == data


def _sample() -> dict[str, Any]:
    return {
        "number": 5,
        "flag": True,
        "text": "é",
        "blob": b"",
        "ratio": 0.5,
        "numbers": [],
        "scores": {},
        "parts": [],
        "part": Part(1, ""),
        "maybe_text": None,
        "maybe_number": None,
        "maybe_part": None,
        "maybe_scores": None,
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("number", 2**63),
        ("number", -(2**63) - 1),
        ("number", True),
        ("number", 1.0),
        ("flag", 1),
        ("text", b"x"),
        ("text", "\ud800"),  # a lone surrogate has no UTF-8
        ("blob", "x"),
        ("ratio", "1"),
        ("numbers", {1}),
        ("scores", {1: 2}),
        ("parts", [{"count": 1, "label": ""}]),
        ("part", {"count": 1, "label": ""}),
        ("maybe_scores", {"a": 1}),
    ],
)
def test_what_the_writer_does_not_take_raises(name: str, value: Any) -> None:
    """Anything but the encoder's types raises, so the codec falls back to fastavro."""
    data = _sample()
    data[name] = value
    with pytest.raises((TypeError, ValueError, OverflowError, UnicodeError)):
        WRITE(data)


def test_the_writer_converts_as_the_encoder_does() -> None:
    """An int for a double and an int subclass for a long: the bytes fastavro writes."""

    class Count(int):
        pass

    data = {**_sample(), "ratio": 3, "number": Count(7)}
    converted = {**data, "ratio": 3.0, "number": 7}
    assert WRITE(data) == _fastavro_write(converted)


def test_longs_at_their_edges_are_the_varints_fastavro_writes() -> None:
    for value in [0, -1, 1, -64, 63, -65, 64, 511, 512, -(2**63), 2**63 - 1]:
        out = io.BytesIO()
        fastavro.schemaless_writer(out, "long", value)
        assert long_bytes(value) == out.getvalue()
    for value in [2**63, -(2**63) - 1]:
        with pytest.raises(OverflowError):
            long_bytes(value)


def _blocks(*blocks: bytes) -> bytes:
    return b"".join(blocks) + b"\x00"


def _string(text: str) -> bytes:
    data = text.encode()
    return long_bytes(len(data)) + data


def test_blocks_of_any_form_are_read_as_fastavro_reads_them() -> None:
    """Several blocks, negative counts followed by a byte size, as other writers write them."""
    head = long_bytes(5) + b"\x01" + _string("é") + long_bytes(0) + struct.pack("<d", 0.5)
    numbers = _blocks(
        long_bytes(2) + long_bytes(1) + long_bytes(-2),
        long_bytes(-1) + long_bytes(1) + long_bytes(300),
        long_bytes(-2) + long_bytes(2) + long_bytes(0) + long_bytes(5),
    )
    scores = _blocks(
        long_bytes(-1) + long_bytes(3) + _string("a") + long_bytes(1),
        long_bytes(1) + _string("a") + long_bytes(2),  # a repeated key: the last one wins
        long_bytes(1) + _string("b") + long_bytes(3),
    )
    parts = _blocks(long_bytes(-1) + long_bytes(2) + long_bytes(4) + _string(""))
    tail = long_bytes(1) + _string("") + b"\x00\x00\x00\x00"
    blob = head + numbers + scores + parts + tail
    decoded = READ(blob)
    assert decoded == _fastavro_read(blob)
    assert decoded["numbers"] == [1, -2, 300, 0, 5]
    assert decoded["scores"] == {"a": 2, "b": 3}
    assert decoded["parts"] == [Part(4, "")]


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda blob: blob[:-1], id="truncated"),
        pytest.param(lambda blob: blob + b"\x00", id="trailing"),
        pytest.param(lambda blob: blob[:-1] + b"\x04", id="union-index-2"),
        pytest.param(lambda blob: blob.replace(b"\x04\xc3\xa9", b"\x04\xc3\x28"), id="utf-8"),
        pytest.param(lambda blob: blob.replace(b"\x04\xc3\xa9", b"\x03\xc3\xa9"), id="neg-len"),
    ],
)
def test_bytes_fastavro_refuses_are_refused(bad: Any) -> None:
    blob = bad(WRITE(_sample()))
    with pytest.raises(Exception):  # noqa: B017, PT011 - fastavro's own errors vary
        _fastavro_read(blob)
    with pytest.raises((ValueError, IndexError, UnicodeError)):
        READ(blob)


# --- the codec: the generated path first, fastavro's behind it ---------------------------------


ROBUSTNESS_SIGNALS = [
    signal
    for signal in ALL_SIGNALS
    if signal.signal_name
    in {"COURSE_ENROLLMENT_CREATED", "CERTIFICATE_CONFIG_CHANGED", "TRACKING_EVENT_EMITTED"}
]


@pytest.mark.parametrize("signal", ROBUSTNESS_SIGNALS, ids=str)
def test_damaged_bytes_decode_as_the_fastavro_path_decodes_them(
    signal: OpenEdxPublicSignal,
) -> None:
    """Cut, extended or with one byte changed: the same data or the same typed error."""
    blob = codec_for(signal).encode(sample_event_data(signal, 2))
    damaged = [blob[:end] for end in range(len(blob))] + [blob + b"\x00", blob + b"\x02"]
    for at in range(len(blob)):
        for value in (0x00, 0x01, 0x02, 0x03, 0x04, 0x80, 0xFF):
            damaged.append(blob[:at] + bytes([value]) + blob[at + 1 :])
    for data in damaged:
        assert _outcome(codec_for(signal), "decode", data) == _outcome(
            _fastavro_codec(signal), "decode", data
        )


def test_a_union_index_of_minus_one_is_left_to_fastavro() -> None:
    """fastavro takes index -1 as the last branch; the generated reader refuses it.

    The codec then reads through fastavro: the damaged-bytes test above writes 0x01 (-1)
    over every union index of its events and checks that the codec gives fastavro's result.
    """
    blob = WRITE(_sample())[:-1] + b"\x01\x00"  # maybe_scores: index -1, an empty map
    assert _fastavro_read(blob)["maybe_scores"] == {}
    with pytest.raises(ValueError, match="unexpected bytes"):
        READ(blob)


@pytest.mark.parametrize("user_id", [2**63 - 1, -(2**63), 2**63, -(2**63) - 1, True, "1"])
def test_encoding_gives_the_fastavro_path_bytes_or_error(user_id: Any) -> None:
    """In range: the same bytes; out of range or of the wrong type: the same typed error."""
    data = sample_event_data(COURSE_ENROLLMENT_CREATED, 4)
    enrollment = data["enrollment"]
    user = attrs.evolve(enrollment.user, id=user_id)
    data = {"enrollment": attrs.evolve(enrollment, user=user)}
    fast = _outcome(codec_for(COURSE_ENROLLMENT_CREATED), "encode", data)
    assert fast == _outcome(_fastavro_codec(COURSE_ENROLLMENT_CREATED), "encode", data)
    if isinstance(user_id, int) and not isinstance(user_id, bool) and -(2**63) <= user_id < 2**63:
        assert fast[0] == "ok"
    else:
        assert fast[0] == "error"
        assert fast[3] == "enrollment.user.id"


def test_bytes_given_as_another_buffer_decode_through_fastavro() -> None:
    """A bytearray or memoryview is not what the generated reader indexes: fastavro reads it."""
    data = sample_event_data(COURSE_ENROLLMENT_CREATED, 0)
    codec = codec_for(COURSE_ENROLLMENT_CREATED)
    blob = codec.encode(data)
    # Untyped callers (the serializers of the reference's API) may pass any buffer.
    for buffer in (bytearray(blob), memoryview(blob)):
        assert codec.decode(buffer) == data  # type: ignore[arg-type]
    assert codec.decode(blob) == data


# --- custom types users register ---------------------------------------------------------------


class Ratio(float):
    """A user type travelling as an Avro double, which the generated code writes itself."""


class Celsius(int):
    """A user type travelling as an Avro int, which the generated code leaves to fastavro."""


register_custom_type(Ratio, "double", encode=float, decode=Ratio)
register_custom_type(Celsius, "int", encode=int, decode=Celsius)


@attrs.frozen
class _Reading:
    ratio: Ratio
    temperature: Celsius | None = None


@attrs.frozen
class _Share:
    ratio: Ratio
    of: list[Ratio]


READING_SIGNAL = OpenEdxPublicSignal(
    "org.openedx.test.reading.taken.v1", {"reading": _Reading}, registry=SignalRegistry()
)
SHARE_SIGNAL = OpenEdxPublicSignal(
    "org.openedx.test.share.changed.v1", {"share": _Share}, registry=SignalRegistry()
)


def test_a_user_type_of_a_handled_avro_type_goes_through_the_generated_code() -> None:
    codec = codec_for(SHARE_SIGNAL)
    assert codec.write_bytes is not None
    data = {"share": _Share(Ratio(0.25), [Ratio(0.5), Ratio(-1e300)])}
    assert codec.write_bytes(data) == _fastavro_bytes(codec, data)
    decoded = codec.decode(codec.encode(data))
    assert decoded == data
    assert type(decoded["share"].of[0]) is Ratio


def test_a_user_type_of_another_avro_type_goes_through_fastavro() -> None:
    codec = codec_for(READING_SIGNAL)
    assert codec.write_bytes is None
    assert codec.read_bytes is None
    data = {"reading": _Reading(Ratio(0.5), Celsius(-40))}
    assert codec.decode(codec.encode(data)) == data
