"""Messages to Kafka and back, with the schema ids of a Schema Registry.

Producing registers the event's value and key schemas once per topic and signal (as the
reference's serializers do) and frames the Avro bytes with their ids. Consuming reads the
writer's schema by the id in the frame: when it is the schema this package writes, the bytes
are used as they are; when it is another version of the event's schema, they are rewritten
in ours by Avro schema resolution, so the rest of the bus sees one schema per event type.
"""

from __future__ import annotations

import functools
import io
import json
import threading
from collections.abc import Iterable
from typing import Any

import attrs
import fastavro

from openedx_events._private.avro.codec import codec_for
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.event_bus._private.records import Message, Record, record_of
from openedx_events.event_bus.kafka._settings import KafkaConfigurationError
from openedx_events.event_bus.kafka._wire import (
    KafkaHeaders,
    frame,
    headers_from_kafka,
    headers_to_kafka,
    is_string_schema,
    key_avro,
    key_schema_text,
    key_subject,
    key_text,
    known_signal,
    unframe,
    value_schema_text,
    value_subject,
)

__all__ = ["KafkaCodec", "KafkaMessage"]


@attrs.frozen
class KafkaMessage:
    """What is handed to the Kafka producer for one message."""

    topic: str
    key: bytes | None
    value: bytes
    headers: KafkaHeaders


@attrs.define
class _Prefixes:
    """The Confluent framing of one signal's values and keys on one topic, once registered."""

    signal: OpenEdxPublicSignal
    value: bytes | None = None
    key: bytes | None = None


def _canonical(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


@functools.cache
def _our_text(signal: OpenEdxPublicSignal) -> str:
    return _canonical(value_schema_text(signal))


class KafkaCodec:
    """Translates messages for one Schema Registry client (a confluent-kafka one).

    Without a client (``None``), messages of events can be neither written nor read; the
    bus can still be inspected (topics, groups, lag).
    """

    def __init__(self, registry: Any) -> None:
        self._registry = registry
        # (subject, schema) -> its id: one subject holds many schemas, such as every
        # string-typed key of a topic under "<topic>-string".
        self._ids: dict[tuple[str, str], int] = {}
        self._writers: dict[int, tuple[str, Any]] = {}  # id -> canonical text, parsed schema
        self._ours: dict[tuple[int, OpenEdxPublicSignal], bool] = {}  # is it our schema?
        # (topic, event type) -> the signal and the framing of its messages on that topic,
        # so that a message costs no subject computation or registry look-up.
        self._prefixes: dict[tuple[str, str | None], _Prefixes] = {}
        self._our_framings: set[tuple[OpenEdxPublicSignal, bytes]] = set()
        self._string_key_framings: set[bytes] = set()
        self._lock = threading.Lock()

    @property
    def registry(self) -> Any:
        """The registry client.

        Raises:
            KafkaConfigurationError: none was configured.
        """
        if self._registry is None:
            raise KafkaConfigurationError(
                "events on Kafka need a Schema Registry: set EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL"
            )
        return self._registry

    def _register(self, subject: str, text: str) -> int:
        found = self._ids.get((subject, text))
        if found is not None:
            return found
        from confluent_kafka.schema_registry import Schema  # noqa: PLC0415  (optional extra)

        with self._lock:
            schema_id = int(self.registry.register_schema(subject, Schema(text, "AVRO")))
            self._ids[subject, text] = schema_id
            return schema_id

    def _writer(self, schema_id: int) -> tuple[str, Any]:
        found = self._writers.get(schema_id)
        if found is None:
            try:
                text = self.registry.get_schema(schema_id).schema_str
            except Exception as error:
                if getattr(error, "http_status_code", None) == 404:
                    raise  # no such schema: the message is at fault, not the registry
                raise EventBusStorageError(
                    f"Schema Registry: cannot read schema {schema_id}: {error}"
                ) from error
            found = (_canonical(text), fastavro.parse_schema(json.loads(text)))
            self._writers[schema_id] = found
        return found

    def to_kafka(self, topic: str, message: Message) -> KafkaMessage:
        """The Kafka message for ``message`` on ``topic`` (registering schemas on first use).

        Raises:
            confluent_kafka.schema_registry.SchemaRegistryError: the registry refused.
        """
        key, value, event = self.framed(topic, message)
        return KafkaMessage(topic, key, value, headers_to_kafka(message.headers, event=event))

    def framed(self, topic: str, message: Message) -> tuple[bytes | None, bytes, bool]:
        """The key and value of :meth:`to_kafka`'s message, and whether it is an event's.

        The writer takes these for a whole batch first (only they need the registry), and
        makes each message's headers (:func:`headers_to_kafka`) as it produces it.

        Raises:
            confluent_kafka.schema_registry.SchemaRegistryError: the registry refused.
        """
        event_type = message.headers.get("type")
        prefixes = self._prefixes.get((topic, event_type))
        if prefixes is None:
            signal = known_signal(event_type)
            if signal is None:
                key = None if message.key is None else message.key.encode()
                return key, message.payload, False
            prefixes = self._prefixes[topic, event_type] = _Prefixes(signal)
        signal = prefixes.signal
        if prefixes.value is None:
            value_id = self._register(value_subject(topic, signal), value_schema_text(signal))
            prefixes.value = frame(value_id, b"")
        key_bytes = None
        if message.key is not None and signal.event_key_field:
            if prefixes.key is None:
                key_id = self._register(key_subject(topic, signal), key_schema_text(signal))
                prefixes.key = frame(key_id, b"")
            key_bytes = prefixes.key + key_avro(signal, message.key)
        return key_bytes, prefixes.value + message.payload, True

    def records(self, topic: str, messages: Iterable[Any], skew: float = 0.0) -> list[Record]:
        """The records of confluent-kafka messages of ``topic`` (none of them an error).

        ``skew`` is taken from the broker's timestamps. A message whose value or key cannot
        be read is a record with a ``defect``.

        Raises:
            EventBusStorageError: the registry is unreachable (the message may be fine).
        """
        signal_of = known_signal
        read_headers = headers_from_kafka
        # The framings seen to be our schema's for a signal, and the key framings whose
        # writer schema is a plain string: a message with one of them costs no look-up.
        ours = self._our_framings
        string_keys = self._string_key_framings
        records: list[Record] = []
        append = records.append
        for message in messages:
            headers = read_headers(message.headers())
            value = message.value() or b""
            key = message.key()
            signal = signal_of(headers.get("type"))
            defect = None
            if signal is None:
                payload = value
                text_key = None if key is None else _utf8(key)
            else:
                try:
                    if (signal, value[:5]) in ours:
                        payload = value[5:]
                    else:
                        payload = self._event_payload(signal, value)
                    text_key = None
                    if key is not None:
                        # A short string behind a known framing: its length (one byte, in
                        # zig-zag form) then exactly that many bytes.
                        size = len(key) - 6
                        if size >= 0 and key[:5] in string_keys and key[5] == size << 1 < 0x80:
                            try:
                                text_key = key[6:].decode()
                            except UnicodeDecodeError:  # let the general reader say why
                                text_key = self._key(key)
                        else:
                            text_key = self._key(key)
                except EventBusStorageError:
                    raise
                except Exception as error:  # any unreadable part makes the record a defect
                    payload = value
                    text_key = None if key is None else _utf8(key)
                    defect = f"{type(error).__name__}: {error}"
            append(
                record_of(
                    topic,
                    (message.partition(), message.offset()),
                    headers,
                    payload,
                    key=text_key,
                    appended_at=max(message.timestamp()[1], 0) / 1000 - skew,
                    defect=defect,
                )
            )
        return records

    def _event_payload(self, signal: OpenEdxPublicSignal, value: bytes) -> bytes:
        framed = unframe(value)
        if framed is None:
            raise ValueError("the value is not Avro in Confluent framing")
        schema_id, avro = framed
        ours = self._ours.get((schema_id, signal))
        if ours is None:
            ours = self._ours[schema_id, signal] = self._writer(schema_id)[0] == _our_text(signal)
        if ours:
            self._our_framings.add((signal, value[:5]))
            return avro
        # Another version of the schema: resolve to ours and write it again in ours.
        codec = codec_for(signal)
        record = fastavro.schemaless_reader(
            io.BytesIO(avro), self._writer(schema_id)[1], codec.parsed_schema
        )
        out = io.BytesIO()
        fastavro.schemaless_writer(out, codec.parsed_schema, record)
        return out.getvalue()

    def _key(self, key: bytes | None) -> str | None:
        if key is None:
            return None
        framed = unframe(key)
        if framed is None:
            return _utf8(key)
        schema_id, avro = framed
        writer = self._writer(schema_id)[1]
        if is_string_schema(writer):
            self._string_key_framings.add(key[:5])
        return key_text(writer, avro)


def _utf8(data: bytes) -> str:
    return data.decode("utf-8", "replace")
