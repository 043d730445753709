"""Generated Avro schemas: equal to the reference's, built once per signal, and complete."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from golden_data import signals, signals_by_type
from openedx_events._private.registry import SignalRegistry
from openedx_events.content_authoring.signals import (
    COURSE_CERTIFICATE_CONFIG_CHANGED,
    COURSE_CERTIFICATE_CONFIG_DELETED,
)
from openedx_events.event_bus.avro import (
    AvroSignalDeserializer,
    AvroSignalSerializer,
    schema_from_signal,
)
from openedx_events.exceptions import EventSerializationError
from openedx_events.tooling import OpenEdxPublicSignal

ALL_SIGNALS = OpenEdxPublicSignal.all_events()


@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=lambda signal: signal.event_type)
def test_schema_equals_the_reference_schema(signal: OpenEdxPublicSignal) -> None:
    """Every event the reference can put on the bus has its schema, key order included."""
    reference = signals_by_type()
    expected = reference[signal.event_type]["avro_schema"]
    schema = schema_from_signal(signal)
    if expected is None:
        # Only the BinaryIO events lack a reference schema; ours maps the stream to bytes.
        assert signal in (COURSE_CERTIFICATE_CONFIG_CHANGED, COURSE_CERTIFICATE_CONFIG_DELETED)
        assert not reference[signal.event_type]["bus_compatible"]
        return
    assert schema == expected
    assert _key_order(schema) == _key_order(expected)


@pytest.mark.parametrize("event", signals(), ids=lambda event: event["event_type"])
def test_every_reference_event_has_its_schema(event: dict[str, Any]) -> None:
    """All 75 reference events exist here; each one the reference can send has its schema."""
    signal = OpenEdxPublicSignal.get_signal_by_type(event["event_type"])
    assert signal.event_type == event["event_type"]
    if not event["bus_compatible"]:
        assert event["avro_schema"] is None
        assert signal in (COURSE_CERTIFICATE_CONFIG_CHANGED, COURSE_CERTIFICATE_CONFIG_DELETED)
        return
    schema = schema_from_signal(signal)
    assert schema == event["avro_schema"]
    assert _key_order(schema) == _key_order(event["avro_schema"])


def _key_order(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, _key_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_key_order(item) for item in value]
    return value


def test_catalog_has_75_events_and_all_have_a_schema() -> None:
    """All 75 catalog events serialize, the two certificate-config events included."""
    assert len(ALL_SIGNALS) == 75
    for signal in ALL_SIGNALS:
        assert schema_from_signal(signal)["namespace"] == signal.event_type


@pytest.mark.parametrize(
    "signal", [COURSE_CERTIFICATE_CONFIG_CHANGED, COURSE_CERTIFICATE_CONFIG_DELETED]
)
def test_signatory_image_travels_as_avro_bytes(signal: OpenEdxPublicSignal) -> None:
    """The BinaryIO signatory image maps to the Avro bytes type."""
    config = schema_from_signal(signal)["fields"][0]["type"]
    signatories = next(field for field in config["fields"] if field["name"] == "signatories")
    signatory = signatories["type"]["items"]
    assert signatory["name"] == "CertificateSignatoryData"
    assert signatory["fields"][0] == {"name": "image", "type": "bytes"}


def test_schema_is_built_once_per_signal() -> None:
    """Serializers and deserializers of one signal share one cached schema object."""
    signal = ALL_SIGNALS[0]
    assert AvroSignalSerializer(signal).schema is AvroSignalSerializer(signal).schema
    assert AvroSignalSerializer(signal).schema is AvroSignalDeserializer(signal).schema


def test_schema_from_signal_returns_a_copy_callers_may_change() -> None:
    """Changing the returned schema does not change the schema events are written with."""
    signal = ALL_SIGNALS[0]
    schema = schema_from_signal(signal)
    schema["fields"].clear()
    assert schema_from_signal(signal)["fields"]


@attrs.frozen
class _WithSet:
    tags: set[str]


@attrs.frozen
class _Outer:
    inner: _WithSet


def test_a_type_without_avro_mapping_names_its_field() -> None:
    """A set-typed field cannot be encoded; the error names the event and the field path."""
    signal = OpenEdxPublicSignal(
        "org.openedx.test.unmappable.v1", {"outer": _Outer}, registry=SignalRegistry()
    )
    with pytest.raises(EventSerializationError) as caught:
        schema_from_signal(signal)
    assert caught.value.event_type == "org.openedx.test.unmappable.v1"
    assert caught.value.field == "outer.inner.tags"
    assert "set[str]" in str(caught.value)


@attrs.frozen
class _Left:
    value: str


@attrs.frozen
class _Pair:
    left: _Left
    again: _Left
    optional: _Left | None = None


def test_a_record_is_defined_once_and_then_named() -> None:
    """A data class used twice is spelled out the first time and referenced after."""
    signal = OpenEdxPublicSignal(
        "org.openedx.test.pair.v1", {"pair": _Pair}, registry=SignalRegistry()
    )
    fields = schema_from_signal(signal)["fields"][0]["type"]["fields"]
    assert fields[0]["type"] == {
        "name": "_Left",
        "type": "record",
        "fields": [{"name": "value", "type": "string"}],
    }
    assert fields[1] == {"name": "again", "type": "_Left"}
    assert fields[2] == {"name": "optional", "type": ["null", "_Left"], "default": None}
