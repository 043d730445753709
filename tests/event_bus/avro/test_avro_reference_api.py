"""The reference implementation's serializer API: schema strings, dicts, custom-type serializers."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from opaque_keys.edx.keys import CourseKey

from openedx_events._private.registry import SignalRegistry
from openedx_events.event_bus.avro.custom_serializers import (
    DEFAULT_CUSTOM_SERIALIZERS,
    BaseCustomTypeAvroSerializer,
    CourseKeyAvroSerializer,
)
from openedx_events.event_bus.avro.deserializer import (
    AvroSignalDeserializer,
    deserialize_bytes_to_event_data,
)
from openedx_events.event_bus.avro.schema import DEFAULT_FIELD_TYPES, schema_from_signal
from openedx_events.event_bus.avro.serializer import (
    AvroSignalSerializer,
    serialize_event_data_to_bytes,
)
from openedx_events.exceptions import EventDeserializationError, EventSerializationError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal


class Money:
    """A type the codec does not know: amount and currency, travelling as "12.50 EUR"."""

    def __init__(self, amount: str, currency: str) -> None:
        self.amount = amount
        self.currency = currency

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and (self.amount, self.currency) == (
            other.amount,
            other.currency,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value


class MoneyAvroSerializer(BaseCustomTypeAvroSerializer):
    """Written the reference's way: static conversions, ``cls`` and ``field_type``."""

    cls = Money
    field_type = "string"

    @staticmethod
    def serialize(obj: Any) -> str:
        return f"{obj.amount} {obj.currency}"

    @staticmethod
    def deserialize(data: Any) -> Money:
        amount, currency = data.split(" ")
        return Money(amount, currency)


class MoneySerializer(AvroSignalSerializer):
    def custom_type_serializers(self) -> list[type[BaseCustomTypeAvroSerializer]]:
        return [MoneyAvroSerializer]


class MoneyDeserializer(AvroSignalDeserializer):
    def custom_type_serializers(self) -> list[type[BaseCustomTypeAvroSerializer]]:
        return [MoneyAvroSerializer]


@attrs.frozen
class PriceData:
    """A data class with a custom type inside."""

    course_key: CourseKey
    price: Money
    discount: Money | None = None


def _signal(data: dict[str, Any]) -> OpenEdxPublicSignal:
    return OpenEdxPublicSignal("org.openedx.test.price.v1", data, registry=SignalRegistry())


COURSE = CourseKey.from_string("course-v1:edX+DemoX+2024")


def test_a_custom_type_serializer_works_end_to_end() -> None:
    """Schema, record dict, bytes and back, for a type only the subclass knows."""
    signal = _signal({"price": PriceData})
    event_data = {"price": PriceData(COURSE, Money("12.50", "EUR"))}
    serializer, deserializer = MoneySerializer(signal), MoneyDeserializer(signal)
    fields = serializer.schema["fields"][0]["type"]["fields"]
    assert fields[1] == {"name": "price", "type": "string"}
    assert serializer.to_dict(event_data) == {
        "price": {"course_key": str(COURSE), "price": "12.50 EUR", "discount": None}
    }
    data = serializer.serialize(event_data)
    assert deserializer.deserialize(data) == event_data
    assert deserializer.from_dict(serializer.to_dict(event_data)) == event_data


def test_without_the_custom_serializer_the_type_is_refused() -> None:
    """The plain serializer does not know Money: a TypeError naming the field, on first use."""
    serializer = AvroSignalSerializer(_signal({"price": PriceData}))
    with pytest.raises(TypeError, match="price"):
        serializer.schema_string()
    with pytest.raises(TypeError, match="price"):
        serializer.to_dict({"price": PriceData(COURSE, Money("1", "EUR"))})


def test_schema_from_signal_takes_avro_types_for_unknown_classes() -> None:
    schema = schema_from_signal(
        _signal({"amount": Money}), custom_type_to_avro_type={Money: "string"}
    )
    assert schema["fields"] == [{"name": "amount", "type": "string"}]
    with pytest.raises(TypeError):
        schema_from_signal(_signal({"amount": Money}))


def test_schema_string_is_the_schema_as_sorted_json() -> None:
    serializer = AvroSignalSerializer(COURSE_ENROLLMENT_CREATED)
    deserializer = AvroSignalDeserializer(COURSE_ENROLLMENT_CREATED)
    assert serializer.schema_string() == json.dumps(serializer.schema, sort_keys=True)
    assert deserializer.schema_string() == serializer.schema_string()


def test_data_classes_may_be_given_as_plain_dicts() -> None:
    """As both reference buses' produce commands do: the same bytes as from the objects."""
    event_data = sample_event_data(COURSE_ENROLLMENT_CREATED, 3)
    as_dicts = AvroSignalSerializer(COURSE_ENROLLMENT_CREATED).to_dict(event_data)
    expected = serialize_event_data_to_bytes(event_data, COURSE_ENROLLMENT_CREATED)
    assert serialize_event_data_to_bytes(as_dicts, COURSE_ENROLLMENT_CREATED) == expected
    decoded = deserialize_bytes_to_event_data(expected, COURSE_ENROLLMENT_CREATED)
    assert decoded == event_data


def test_a_plain_dict_must_still_fit_the_data_class() -> None:
    """A missing field, an unknown one or a bad value is named."""
    record = AvroSignalSerializer(COURSE_ENROLLMENT_CREATED).to_dict(
        sample_event_data(COURSE_ENROLLMENT_CREATED, 3)
    )
    del record["enrollment"]["mode"]
    with pytest.raises(EventSerializationError) as missing:
        serialize_event_data_to_bytes(record, COURSE_ENROLLMENT_CREATED)
    assert missing.value.field == "enrollment.mode"
    record["enrollment"]["mode"] = "audit"
    record["enrollment"]["colour"] = "red"
    with pytest.raises(EventSerializationError) as unknown:
        serialize_event_data_to_bytes(record, COURSE_ENROLLMENT_CREATED)
    assert unknown.value.field == "enrollment.colour"
    del record["enrollment"]["colour"]
    for bad_key in (42, "not a course key"):
        record["enrollment"]["course"]["course_key"] = bad_key
        with pytest.raises(EventSerializationError) as bad:
            serialize_event_data_to_bytes(record, COURSE_ENROLLMENT_CREATED)
        assert bad.value.field == "enrollment.course.course_key"


def test_an_object_field_still_needs_its_type_outside_dicts() -> None:
    """A key given as a string where an object is expected is refused, as before."""
    event_data = sample_event_data(COURSE_ENROLLMENT_CREATED, 3)
    enrollment = event_data["enrollment"]
    course = attrs.evolve(enrollment.course, course_key=str(enrollment.course.course_key))
    bad = {"enrollment": attrs.evolve(enrollment, course=course)}
    with pytest.raises(EventSerializationError) as caught:
        serialize_event_data_to_bytes(bad, COURSE_ENROLLMENT_CREATED)
    assert caught.value.field == "enrollment.course.course_key"


def test_codec_errors_are_type_errors_as_in_the_reference() -> None:
    assert issubclass(EventSerializationError, TypeError)
    with pytest.raises(TypeError):
        AvroSignalDeserializer(COURSE_ENROLLMENT_CREATED).from_dict({"enrollment": {}})
    assert issubclass(EventDeserializationError, TypeError)


def test_the_built_in_custom_serializers_convert_as_the_codec_does() -> None:
    assert CourseKeyAvroSerializer.serialize(COURSE) == str(COURSE)
    assert CourseKeyAvroSerializer.deserialize(str(COURSE)) == COURSE
    assert {item.cls: item.field_type for item in DEFAULT_CUSTOM_SERIALIZERS} == (
        DEFAULT_FIELD_TYPES
    )
    assert set(DEFAULT_FIELD_TYPES.values()) == {"string"}
