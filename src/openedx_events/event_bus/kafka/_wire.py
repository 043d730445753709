"""A bus :class:`Message` <-> a Kafka message, as edx-event-bus-kafka writes and reads them.

An event on Kafka carries the CloudEvents headers (``ce_type``, ``ce_id``, ...), a value that
is the event's Avro record and a key that is the Avro encoding of the value at the signal's
``event_key_field``, both in Confluent framing: a zero byte, the 4-byte big-endian id of the
writer's schema in the Schema Registry, then schemaless Avro. The value's schema is registered
under ``<topic>-<record full name>`` and the key's under ``<topic>-<key type>`` (the subjects
confluent-kafka's serializer derives with its topic-record strategy from the schemas the
reference registers).

Messages whose type names no known signal (dead letters of foreign events, raw test data)
travel as they are: no framing, no fixed CloudEvents headers, the key as UTF-8.
"""

from __future__ import annotations

import functools
import io
import json
import struct
from collections.abc import Mapping, Sequence
from typing import Any

import fastavro

from openedx_events._private.avro.binary_read import MalformedBytes, read_size
from openedx_events._private.avro.binary_write import long_bytes
from openedx_events._private.avro.codec import codec_for
from openedx_events._private.avro.event_key import event_key_schema
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus.headers import (
    KAFKA_FIXED_HEADERS,
    metadata_header_names,
)

__all__ = [
    "KafkaHeaders",
    "frame",
    "headers_from_kafka",
    "headers_to_kafka",
    "is_string_schema",
    "key_schema_text",
    "key_subject",
    "known_signal",
    "unframe",
    "value_schema_text",
    "value_subject",
]

KafkaHeaders = list[tuple[str, bytes]]

_MAGIC = 0
_PREFIX = struct.Struct(">bI")


def frame(schema_id: int, avro: bytes) -> bytes:
    """``avro`` behind the Confluent prefix: magic byte 0 and the 4-byte schema id."""
    return _PREFIX.pack(_MAGIC, schema_id) + avro


def unframe(value: bytes) -> tuple[int, bytes] | None:
    """The schema id and the Avro bytes of a framed value; ``None`` when it is not framed."""
    if len(value) < _PREFIX.size or value[0] != _MAGIC:
        return None
    return _PREFIX.unpack_from(value)[1], value[_PREFIX.size :]


def known_signal(event_type: str | None) -> OpenEdxPublicSignal | None:
    """The signal of ``event_type``, or ``None`` when no signal has that type."""
    if not event_type:
        return None
    found = _SIGNALS.get(event_type)
    if found is not None:
        return found
    try:
        found = _SIGNALS[event_type] = OpenEdxPublicSignal.get_signal_by_type(event_type)
    except KeyError:
        return None  # not remembered: the signal may be defined later
    return found


# Event type -> its signal, for the types seen so far (a signal is never undefined).
_SIGNALS: dict[str, OpenEdxPublicSignal] = {}


@functools.cache
def value_schema_text(signal: OpenEdxPublicSignal) -> str:
    """The value schema as the reference registers it (JSON with sorted keys)."""
    return json.dumps(codec_for(signal).schema, sort_keys=True)


@functools.lru_cache(maxsize=4096)  # a few topics times a few signals
def value_subject(topic: str, signal: OpenEdxPublicSignal) -> str:
    """``<topic>-<record full name>``: the value schema's subject."""
    schema = codec_for(signal).schema
    return f"{topic}-{schema['namespace']}.{schema['name']}"


@functools.cache
def key_schema_text(signal: OpenEdxPublicSignal) -> str:
    """The key schema as the reference registers it: the key's field definition, as JSON."""
    return json.dumps(event_key_schema(signal), sort_keys=True)


@functools.lru_cache(maxsize=4096)
def key_subject(topic: str, signal: OpenEdxPublicSignal) -> str:
    """``<topic>-<name>``: a named key type gives its name, a primitive one its type."""
    schema = event_key_schema(signal)
    parsed = fastavro.parse_schema(schema)
    name = parsed.get("name", schema["type"]) if isinstance(parsed, dict) else schema["type"]
    if not isinstance(name, str):
        name = schema["name"]
    return f"{topic}-{name}"


@functools.cache
def _parsed_key_schema(signal: OpenEdxPublicSignal) -> Any:
    return fastavro.parse_schema(json.loads(key_schema_text(signal))["type"])


@functools.cache
def _key_type(signal: OpenEdxPublicSignal) -> Any:
    key_type = event_key_schema(signal)["type"]
    if isinstance(key_type, list):  # an optional key: the value's branch decides
        key_type = next(branch for branch in key_type if branch != "null")
    return key_type


def key_avro(signal: OpenEdxPublicSignal, key: str) -> bytes:
    """The schemaless Avro of a key given as text (an integer key type reads it as a number)."""
    key_type = _key_type(signal)
    if key_type == "string":  # nearly every key: a length (zig-zag varint) and UTF-8
        data = key.encode()
        return long_bytes(len(data)) + data
    value: Any = int(key) if key_type in ("int", "long") else key
    if key_type in ("float", "double"):
        value = float(key)
    elif key_type == "boolean":
        value = key == "True"
    out = io.BytesIO()
    fastavro.schemaless_writer(out, _parsed_key_schema(signal), value)
    return out.getvalue()


def key_text(writer_schema: Any, avro: bytes) -> str | None:
    """A key read with its writer's (parsed) schema, as the text a :class:`Message` holds."""
    # Nearly every key is a string, read without a trip through fastavro. The reference
    # registers a key schema shaped as a field ({"name": ..., "type": "string"}), which
    # fastavro parses to {"type": "string"}.
    if is_string_schema(writer_schema):
        text = _plain_string(avro)
        if text is not None:
            return text
    value = fastavro.schemaless_reader(io.BytesIO(avro), writer_schema, None)
    return None if value is None else str(value)


_STRING_TYPE = {"type": "string"}


def is_string_schema(parsed: Any) -> bool:
    """Whether a parsed schema is a plain Avro string."""
    return parsed in ("string", _STRING_TYPE)


def _plain_string(avro: bytes) -> str | None:
    """The Avro string that is the whole of ``avro``; ``None`` for anything else."""
    try:
        length, start = read_size(avro, 0)
    except (IndexError, MalformedBytes):
        return None  # no bytes, a truncated or negative length: let fastavro say
    if length != len(avro) - start:
        return None  # bytes missing or left over
    try:
        return avro[start:].decode("utf-8")
    except UnicodeDecodeError:
        return None


def headers_to_kafka(headers: Mapping[str, str], *, event: bool) -> KafkaHeaders:
    """Kafka headers for a message's headers: the CloudEvents names, UTF-8 values.

    An event gets the fixed CloudEvents headers first, as the reference writes them.
    """
    if event:
        # One pass, one look-up a header: every event's headers are renamed here.
        targets = _EVENT_TARGETS
        out = [*_FIXED_KAFKA]
        append = out.append
        for name, value in headers.items():
            target = targets.get(name, name)
            if target is _COLLIDING:
                break  # a CloudEvents name as it is, maybe beside its bus name: see below
            if target is not None:  # a fixed header is written first, and once
                append((target, value.encode()))
        else:
            return out
    renames = _TO_KAFKA
    renamed = {renames.get(name, name): value for name, value in headers.items()}
    if not event:
        return [(name, value.encode()) for name, value in renamed.items()]
    fixed = _FIXED_BYTES
    return [
        *_FIXED_KAFKA,
        *[(name, value.encode()) for name, value in renamed.items() if name not in fixed],
    ]


def headers_from_kafka(headers: Sequence[tuple[str, bytes | None]] | None) -> dict[str, str]:
    """A message's headers from Kafka headers: Redis-style names, the fixed headers dropped.

    A repeated header keeps its last value (a later value overrides an earlier one). Values
    that are not UTF-8 are decoded with replacement characters, so that the event's own
    checks, not this mapping, reject them.
    """
    renames = _TO_REDIS
    fixed = _FIXED_BYTES
    text: dict[str, str] = {}
    for name, value in headers or ():
        if value is None:
            text[renames.get(name, name)] = ""
        elif fixed.get(name) != value:
            text[renames.get(name, name)] = value.decode("utf-8", "replace")
    return text


_TO_REDIS = dict(zip(metadata_header_names("kafka"), metadata_header_names("redis"), strict=True))
_TO_KAFKA = dict(zip(metadata_header_names("redis"), metadata_header_names("kafka"), strict=True))
_FIXED_BYTES = {name: value.encode() for name, value in KAFKA_FIXED_HEADERS.items()}
_FIXED_KAFKA = tuple(_FIXED_BYTES.items())
# A CloudEvents name that a bus name is renamed to: given as it is, beside its bus name, the
# two would be written twice, where the general path keeps the later value once; such
# headers take the general path.
_COLLIDING = "\0"
# A bus header's name -> the name an event's Kafka message gives it; None for a fixed header.
_EVENT_TARGETS: dict[str, str | None] = {
    **{name: _COLLIDING for name in _TO_REDIS if _TO_REDIS[name] != name},
    **_TO_KAFKA,
    **dict.fromkeys(_FIXED_BYTES),
}
