"""The Kafka producer: events in edx-event-bus-kafka's wire format, every delivery checked.

``send`` hands the event to librdkafka and returns; a background thread serves the delivery
reports. An event the broker did not acknowledge (librdkafka gave up on it after its
``message.timeout.ms`` of retries) is never only logged: it is kept, and the next ``send``,
``flush`` or ``prepare_for_shutdown`` raises :class:`UndeliveredEventsError` carrying it,
ready to be sent again. ``send_batch`` and ``flush`` wait for the acknowledgements.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.event_bus._private.producer import EventBusProducer
from openedx_events.event_bus._private.records import Message
from openedx_events.event_bus._private.topics import full_topic
from openedx_events.event_bus._private.wire import encode_event
from openedx_events.event_bus.kafka._codec import KafkaCodec, KafkaMessage
from openedx_events.event_bus.kafka._settings import confluent_kafka

__all__ = ["KafkaProducer", "UndeliveredEventsError"]

log = logging.getLogger("openedx_events.event_bus.kafka")

#: librdkafka settings the producer starts from (the settings may override them).
PRODUCER_DEFAULTS: dict[str, Any] = {
    "acks": "all",
    "linger.ms": 5,
    "message.timeout.ms": 30000,
}


class UndeliveredEventsError(EventBusStorageError):
    """The broker did not acknowledge some events; ``messages`` holds them, to send again."""

    def __init__(self, failures: list[tuple[KafkaMessage, str]]) -> None:
        self.messages = [message for message, _ in failures]
        self.errors = [error for _, error in failures]
        super().__init__(
            f"{len(failures)} event(s) were not acknowledged by the Kafka broker; "
            f"the first on {failures[0][0].topic!r}: {failures[0][1]}"
        )


class KafkaProducer(EventBusProducer):
    """Publishes events to Kafka topics (``<prefix>-<topic>``).

    Args:
        config: librdkafka producer settings (``bootstrap.servers`` and the rest).
        registry: a confluent-kafka ``SchemaRegistryClient``.
        poll_interval: how often the background thread serves delivery reports (seconds).
    """

    def __init__(self, config: Mapping[str, Any], registry: Any, *, poll_interval: float = 0.1):
        kafka = confluent_kafka()
        self.codec = KafkaCodec(registry)
        self._producer = kafka.Producer({**PRODUCER_DEFAULTS, **config})
        self._failed: list[tuple[KafkaMessage, str]] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        #: When set, messages are stamped with this clock's time (see KafkaBackend).
        self.clock: Callable[[], float] | None = None
        thread = threading.Thread(
            target=_serve_reports,
            args=(weakref.ref(self), self._closed, poll_interval),
            name="kafka-producer-reports",
            daemon=True,
        )
        thread.start()

    def __repr__(self) -> str:
        return "<KafkaProducer>"

    def send(
        self,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str | None,
        event_data: Mapping[str, Any],
        event_metadata: EventsMetadata,
    ) -> None:
        """Publish one event (acknowledged later; see :meth:`flush`).

        Raises:
            EventSerializationError: the data does not fit the event's schema.
            ProducerConfigurationError: ``event_key_field`` does not lead to a value.
            UndeliveredEventsError: earlier events were not acknowledged.
            EventBusStorageError: the registry or librdkafka refused the event.
        """
        self._raise_failures()
        message = encode_event(signal, event_data, event_metadata, event_key_field)
        self._produce(self._kafka_message(full_topic(topic), message))

    def send_batch(
        self,
        *,
        signal: OpenEdxPublicSignal,
        topic: str,
        event_key_field: str | None,
        events: Iterable[tuple[Mapping[str, Any], EventsMetadata]],
        timeout: float = 30.0,
    ) -> int:
        """Publish many events and wait until the broker acknowledged them; return how many.

        Raises:
            UndeliveredEventsError: some were not acknowledged (they are in the error).
        """
        stored = full_topic(topic)
        messages = [
            self._kafka_message(stored, encode_event(signal, data, metadata, event_key_field))
            for data, metadata in events
        ]
        for message in messages:
            self._produce(message)
        self.flush(timeout)
        return len(messages)

    def append(
        self, topic: str, messages: Iterable[Message], timeout: float = 30.0
    ) -> list[tuple[int, int]]:
        """Publish bus messages to the stored topic ``topic``; return their (partition, offset).

        Waits for the broker's acknowledgement of every one.

        Raises:
            UndeliveredEventsError: some were not acknowledged.
        """
        positions: list[tuple[int, int]] = []
        batch = [self._kafka_message(topic, message) for message in messages]
        slots: list[tuple[int, int] | None] = [None] * len(batch)
        for index, message in enumerate(batch):
            self._produce(message, slots, index)
        self.flush(timeout)
        for slot in slots:
            if slot is None:  # pragma: no cover - flush raised for any unacknowledged one
                raise EventBusStorageError(f"Kafka gave no offset for a message on {topic!r}")
            positions.append(slot)
        return positions

    def _kafka_message(self, topic: str, message: Message) -> KafkaMessage:
        try:
            return self.codec.to_kafka(topic, message)
        except EventBusStorageError:
            raise
        except Exception as error:  # the registry could not be reached or refused the schema
            raise EventBusStorageError(
                f"Schema Registry: cannot register the schema of {message.headers.get('type')!r}"
                f" for {topic!r}: {error}"
            ) from error

    def _produce(
        self,
        message: KafkaMessage,
        slots: list[tuple[int, int] | None] | None = None,
        index: int = 0,
    ) -> None:
        def report(error: Any, delivered: Any) -> None:
            if error is not None:
                log.error("Kafka did not acknowledge an event on %r: %s", message.topic, error)
                with self._lock:
                    self._failed.append((message, str(error)))
            elif slots is not None:
                slots[index] = (delivered.partition(), delivered.offset())

        while True:
            try:
                stamp = {} if self.clock is None else {"timestamp": int(self.clock() * 1000)}
                self._producer.produce(
                    message.topic,
                    key=message.key,
                    value=message.value,
                    headers=message.headers,
                    on_delivery=report,
                    **stamp,
                )
                break
            except BufferError:  # the local queue is full: let deliveries drain it
                self._producer.poll(0.1)
            except Exception as error:  # librdkafka refused the message itself
                raise EventBusStorageError(
                    f"Kafka refused an event for {message.topic!r}: {error}"
                ) from error
        self._producer.poll(0)

    def _raise_failures(self) -> None:
        with self._lock:
            failed, self._failed = self._failed, []
        if failed:
            raise UndeliveredEventsError(failed)

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every event sent so far was acknowledged or failed.

        Raises:
            UndeliveredEventsError: some were not acknowledged, or ``timeout`` passed first.
        """
        remaining = self._producer.flush(timeout)
        if remaining:
            raise EventBusStorageError(
                f"{remaining} event(s) still unacknowledged by Kafka after {timeout}s "
                "(they stay queued and are retried)"
            )
        self._raise_failures()

    def prepare_for_shutdown(self) -> None:
        """Deliver everything buffered, then stop serving reports.

        Raises:
            UndeliveredEventsError: some events were not acknowledged.
        """
        try:
            self.flush(float(PRODUCER_DEFAULTS["message.timeout.ms"]) / 1000 + 5)
        finally:
            self._closed.set()

    def poll(self, timeout: float) -> None:
        """Serve delivery reports for up to ``timeout`` seconds."""
        self._producer.poll(timeout)


def _serve_reports(
    producer_ref: weakref.ref[KafkaProducer], closed: threading.Event, interval: float
) -> None:
    # A weak reference, so that a producer nobody holds is collected and this thread ends.
    while not closed.wait(interval):
        producer = producer_ref()
        if producer is None:
            return
        try:
            producer.poll(0)
        except Exception:  # keep serving reports whatever one callback did
            log.exception("Serving Kafka delivery reports failed")
        del producer
