"""The custom-type registry: built-in mappings, streams, and types that users add."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, BinaryIO

import attrs
import pytest
from ccx_keys.locator import CCXLocator
from hypothesis import given
from hypothesis import strategies as st
from opaque_keys.edx.keys import CourseKey
from opaque_keys.edx.locator import CourseLocator

from openedx_events._private.avro.custom_types import course_key_string, usage_key_string
from openedx_events._private.registry import SignalRegistry
from openedx_events.content_authoring.data import CertificateConfigData, CertificateSignatoryData
from openedx_events.content_authoring.signals import COURSE_CERTIFICATE_CONFIG_CHANGED
from openedx_events.event_bus.avro import (
    deserialize_bytes_to_event_data,
    schema_from_signal,
    serialize_event_data_to_bytes,
)
from openedx_events.event_bus.avro.custom_types import custom_type_for, register_custom_type
from openedx_events.exceptions import EventDeserializationError, EventSerializationError
from openedx_events.tooling import OpenEdxPublicSignal


class Money(Decimal):
    """An amount of money, a user type that has no Avro mapping of its own."""


register_custom_type(Money, "string", encode=str, decode=Money)


@attrs.frozen
class _Price:
    amount: Money
    course: CourseLocator
    discount: Money | None = None


PRICE_SIGNAL = OpenEdxPublicSignal(
    "org.openedx.test.price.changed.v1", {"price": _Price}, registry=SignalRegistry()
)


def test_a_registered_user_type_round_trips() -> None:
    """A type registered with its Avro type and two conversions travels like a built-in one."""
    price = _Price(Money("12.50"), CourseLocator("edX", "DemoX", "2024"), Money("0"))
    blob = serialize_event_data_to_bytes({"price": price}, PRICE_SIGNAL)
    decoded = deserialize_bytes_to_event_data(blob, PRICE_SIGNAL)["price"]
    assert decoded == price
    assert type(decoded.amount) is Money
    fields = schema_from_signal(PRICE_SIGNAL)["fields"][0]["type"]["fields"]
    assert fields[0] == {"name": "amount", "type": "string"}
    assert fields[2] == {"name": "discount", "type": ["null", "string"], "default": None}


def test_a_key_subclass_uses_its_own_parser() -> None:
    """CourseLocator (not registered itself) travels as a string and comes back a CourseLocator."""
    entry = custom_type_for(CourseLocator)
    assert entry is not None
    assert entry.avro_type == "string"
    assert isinstance(entry.decode("course-v1:edX+DemoX+2024"), CourseLocator)


def test_a_value_of_the_wrong_custom_type_is_refused() -> None:
    """A float where Money is expected names the field."""
    price = _Price(1.5, CourseLocator("edX", "DemoX", "2024"))  # type: ignore[arg-type]  # on purpose
    with pytest.raises(EventSerializationError) as caught:
        serialize_event_data_to_bytes({"price": price}, PRICE_SIGNAL)
    assert caught.value.field == "price.amount"


def test_parsed_keys_are_shared() -> None:
    """Decoding the same key string twice gives the same immutable key object (a cache hit)."""
    entry = custom_type_for(CourseKey)
    assert entry is not None
    assert entry.decode("course-v1:edX+DemoX+1") is entry.decode("course-v1:edX+DemoX+1")


def _certificate_event(image: Any) -> dict[str, Any]:
    signatory = CertificateSignatoryData(image=image, name="Ada", organization="edX", title="Dean")
    config = CertificateConfigData(
        certificate_type="verified",
        course_key=CourseKey.from_string("course-v1:edX+DemoX+1"),
        title="Certificate",
        signatories=[signatory],
        is_active=True,
    )
    return {"certificate_config": config}


def _round_trip_image(image: BinaryIO) -> Any:
    blob = serialize_event_data_to_bytes(
        _certificate_event(image), COURSE_CERTIFICATE_CONFIG_CHANGED
    )
    decoded = deserialize_bytes_to_event_data(blob, COURSE_CERTIFICATE_CONFIG_CHANGED)
    return decoded["certificate_config"].signatories[0].image


def test_a_signatory_image_stream_travels_as_bytes_and_comes_back_a_stream() -> None:
    """The image's bytes travel; the receiver gets an io.BytesIO over them."""
    image = _round_trip_image(io.BytesIO(b"\x89PNG..."))
    assert isinstance(image, io.BytesIO)
    assert image.read() == b"\x89PNG..."


def test_encoding_does_not_consume_a_seekable_stream(tmp_path: Any) -> None:
    """A file already partly read is encoded whole and left where the caller had it."""
    path = tmp_path / "signature.png"
    path.write_bytes(b"0123456789")
    with path.open("rb") as image:
        image.read(4)
        assert _round_trip_image(image).read() == b"0123456789"  # type: ignore[arg-type]
        assert image.tell() == 4


def test_a_non_seekable_stream_is_read_from_where_it_is() -> None:
    """A pipe-like stream cannot rewind, so its remaining bytes are what travels."""

    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.data = io.BytesIO(b"abcdef")

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    pipe = Pipe()
    pipe.read(2)
    assert _round_trip_image(pipe).read() == b"cdef"  # type: ignore[arg-type]


def test_an_image_that_is_not_a_stream_is_refused() -> None:
    """Raw bytes where a stream is expected name the field."""
    with pytest.raises(EventSerializationError) as caught:
        serialize_event_data_to_bytes(_certificate_event(b"png"), COURSE_CERTIFICATE_CONFIG_CHANGED)
    assert caught.value.field == "certificate_config.signatories[0].image"


def _must_be_positive(instance: Any, attribute: Any, value: int) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive")


@attrs.frozen
class _Checked:
    count: int = attrs.field(validator=_must_be_positive)


@attrs.frozen
class _Hooked:
    name: str
    upper: str = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "upper", self.name.upper())


def test_decoding_runs_the_data_class_validators() -> None:
    """A class with validators is rebuilt through __init__, so bad values are refused."""
    signal = OpenEdxPublicSignal(
        "org.openedx.test.checked.v1", {"checked": _Checked}, registry=SignalRegistry()
    )
    blob = serialize_event_data_to_bytes({"checked": _Checked(3)}, signal)
    assert deserialize_bytes_to_event_data(blob, signal) == {"checked": _Checked(3)}
    with pytest.raises(EventDeserializationError) as caught:
        deserialize_bytes_to_event_data(b"\x00", signal)  # count = 0
    assert caught.value.field == "checked"


def test_decoding_runs_the_post_init_hook() -> None:
    """A class with __attrs_post_init__ gets its derived fields back."""
    signal = OpenEdxPublicSignal(
        "org.openedx.test.hooked.v1", {"hooked": _Hooked}, registry=SignalRegistry()
    )
    blob = serialize_event_data_to_bytes({"hooked": _Hooked("ada")}, signal)
    assert deserialize_bytes_to_event_data(blob, signal)["hooked"].upper == "ADA"


# Keys in every form str() knows: plain, with a branch or a version, deprecated, CCX.
_KEY_PART = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,8}", fullmatch=True)
_VERSION = st.from_regex(r"[0-9a-f]{24}", fullmatch=True)


@st.composite
def _any_course_key(draw: st.DrawFn) -> CourseKey:
    org, course, run = draw(_KEY_PART), draw(_KEY_PART), draw(_KEY_PART)
    form = draw(st.sampled_from(["plain", "branch", "version", "deprecated", "ccx"]))
    if form == "branch":
        return CourseLocator(org, course, run, branch=draw(_KEY_PART))
    if form == "version":
        return CourseLocator(org, course, run, version_guid=draw(_VERSION))
    if form == "deprecated":
        return CourseLocator(org, course, run, deprecated=True)
    if form == "ccx":
        return CCXLocator(org=org, course=course, run=run, ccx=str(draw(st.integers(1, 10**6))))
    return CourseLocator(org, course, run)


@given(key=_any_course_key())
def test_course_keys_are_written_as_their_string(key: CourseKey) -> None:
    """The direct formatting of plain course keys gives str(key), and every other form too."""
    assert course_key_string(key) == str(key)


@given(course=_any_course_key(), block_type=_KEY_PART, block_id=_KEY_PART)
def test_usage_keys_are_written_as_their_string(
    course: CourseKey, block_type: str, block_id: str
) -> None:
    """The direct formatting of block-v1 keys gives str(key), and every other form too."""
    key = course.make_usage_key(block_type, block_id)
    assert usage_key_string(key) == str(key)
