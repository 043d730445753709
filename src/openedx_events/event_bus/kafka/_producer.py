"""Writing messages to Kafka and waiting for the broker's acknowledgement of each one.

librdkafka sends in the background and reports each message's fate later; :meth:`append`
hands it a batch, waits until every message was acknowledged or failed, and raises
:class:`UndeliveredEventsError` for those that failed (or did not make it in time, which are
then withdrawn from librdkafka's queue so that they cannot arrive after all and come twice).
The bus's producer (``BusProducer``) then raises or spools them, as on every backend.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from openedx_events.event_bus._private.errors import EventBusStorageError
from openedx_events.event_bus._private.records import Message
from openedx_events.event_bus.kafka._codec import KafkaCodec
from openedx_events.event_bus.kafka._settings import confluent_kafka
from openedx_events.event_bus.kafka._wire import KafkaHeaders, headers_to_kafka

__all__ = ["PRODUCER_DEFAULTS", "KafkaWriter", "UndeliveredEventsError"]

log = logging.getLogger("openedx_events.event_bus.kafka")

#: librdkafka settings the writer starts from (the settings may override them).
PRODUCER_DEFAULTS: dict[str, Any] = {
    "acks": "all",
    # One request in flight: a retried request cannot overtake a later one, so events keep
    # their order; a retry may store an event twice (at least once). Idempotence avoids that
    # on Apache Kafka, but edx-event-bus-kafka leaves it off and not every Kafka-protocol
    # broker implements it: turn it on with EVENT_BUS_KAFKA_EXTRA_CONFIG where it is.
    "max.in.flight.requests.per.connection": 1,
    "linger.ms": 2,
    "message.timeout.ms": 10000,
}


class UndeliveredEventsError(EventBusStorageError):
    """The broker did not acknowledge some messages; ``messages`` holds them."""

    def __init__(self, topic: str, failures: list[tuple[Message, str]]) -> None:
        self.messages = [message for message, _ in failures]
        self.errors = [error for _, error in failures]
        super().__init__(
            f"{len(failures)} event(s) for {topic!r} were not acknowledged by Kafka: "
            f"{failures[0][1]}"
        )


class KafkaWriter:
    """A confluent-kafka producer that appends batches and waits for them.

    Args:
        config: librdkafka producer settings (``bootstrap.servers`` and the rest).
        codec: turns bus messages into Kafka messages (and registers their schemas).
    """

    def __init__(self, config: Mapping[str, Any], codec: KafkaCodec) -> None:
        kafka = confluent_kafka()
        self.codec = codec
        self.config = {**PRODUCER_DEFAULTS, **config}
        self._producer = kafka.Producer(self.config)
        self._lock = threading.Lock()  # one batch at a time: its reports are its own
        #: When set, messages are stamped with this clock's time (see KafkaBackend).
        self.clock: Callable[[], float] | None = None
        self._closed = False

    def append(self, topic: str, messages: Iterable[Message]) -> list[tuple[int, int]]:
        """Write ``messages`` to ``topic``; return their (partition, offset), in order.

        Raises:
            UndeliveredEventsError: the broker did not acknowledge some of them in time.
            EventBusStorageError: the registry refused a schema or librdkafka a message.
        """
        batch = list(messages)
        # Every key and value is made before the first message is produced: a schema the
        # registry refuses fails the whole batch, none of it sent. The headers are made as
        # each message is produced: librdkafka copies them, so they are freed at once
        # instead of piling up, ten tuples a message, until the batch is acknowledged.
        framed = [self._framed(topic, message) for message in batch]
        slots: list[tuple[int, int] | str | None] = [None] * len(batch)
        timeout = float(self.config["message.timeout.ms"]) / 1000 + 5
        with self._lock:
            if self._closed:
                raise EventBusStorageError(
                    f"cannot append to {topic!r}: the Kafka producer is closed"
                )
            stamp = None if self.clock is None else int(self.clock() * 1000)
            for index, (message, (key, value, event)) in enumerate(zip(batch, framed, strict=True)):
                # A partial, not a closure: one object a message waiting for its report.
                refused = self._produce(
                    topic,
                    key,
                    value,
                    headers_to_kafka(message.headers, event=event),
                    report=functools.partial(_report, topic, slots, index),
                    stamp=stamp,
                )
                if refused is not None:
                    slots[index] = refused
            if self._producer.flush(timeout):
                # Withdraw what is still queued: it is reported as failed and sent again by
                # the caller, so it must not reach the broker from here too.
                self._producer.purge(in_queue=True, in_flight=False)
                self._producer.flush(1.0)
        failures = [
            (message, slot if isinstance(slot, str) else "no acknowledgement in time")
            for message, slot in zip(batch, slots, strict=True)
            if not isinstance(slot, tuple)
        ]
        if failures:
            raise UndeliveredEventsError(topic, failures)
        return [slot for slot in slots if isinstance(slot, tuple)]

    def _framed(self, topic: str, message: Message) -> tuple[bytes | None, bytes, bool]:
        try:
            return self.codec.framed(topic, message)
        except Exception as error:  # the registry could not be reached or refused the schema
            raise EventBusStorageError(
                f"Schema Registry: cannot register the schema of {message.headers.get('type')!r}"
                f" for {topic!r}: {error}"
            ) from error

    def _produce(
        self,
        topic: str,
        key: bytes | None,
        value: bytes,
        headers: KafkaHeaders,
        *,
        report: Callable[[Any, Any], None],
        stamp: int | None,
    ) -> str | None:
        """Hand one message to librdkafka; the error when it refuses the message itself."""
        producer = self._producer
        while True:
            try:
                if stamp is None:
                    producer.produce(topic, value, key, headers=headers, on_delivery=report)
                else:
                    producer.produce(
                        topic, value, key, headers=headers, on_delivery=report, timestamp=stamp
                    )
                return None
            except BufferError:  # the local queue is full: let deliveries drain it
                producer.poll(0.1)
            except Exception as error:  # librdkafka refused the message itself
                return f"{type(error).__name__}: {error}"

    def close(self, timeout: float = 10.0) -> None:
        """Deliver what is still queued (nothing is, between two appends), then shut down.

        Shut down at once rather than when the garbage collector frees it: until then
        librdkafka keeps reconnecting to brokers that may be long gone. A producer that
        could not deliver everything in ``timeout`` is left to go on trying.
        """
        with self._lock:
            self._closed = True
            if self._producer.flush(timeout) == 0:
                self._producer.close()


def _report(
    topic: str, slots: list[tuple[int, int] | str | None], index: int, error: Any, delivered: Any
) -> None:
    """librdkafka's report on the message at ``index`` of a batch: its position or error."""
    if error is not None:
        log.error("Kafka did not acknowledge a message on %r: %s", topic, error)
        slots[index] = str(error)
    else:
        slots[index] = (delivered.partition(), delivered.offset())
