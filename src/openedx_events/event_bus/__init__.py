"""The event bus: carries events between services, durably, at least once.

Producing and consuming (the reference implementation's API)
    :class:`EventBusProducer` (``send``), :class:`EventBusConsumer` (``consume_indefinitely``),
    :func:`get_producer`, :func:`make_single_consumer`, chosen by the settings
    ``EVENT_BUS_PRODUCER`` / ``EVENT_BUS_CONSUMER`` (the embedded SQLite bus when unset and
    ``EVENT_BUS_SQLITE_PATH`` is set; no bus, an error, when neither is). The module also
    re-exports :class:`EventsMetadata` and :class:`OpenEdxPublicSignal`, as the reference's does.

Routing signals to topics
    :func:`connect_producer_receivers` (reads ``EVENT_BUS_PRODUCER_CONFIG``),
    :func:`general_signal_handler` (the reference's producing receiver),
    :func:`validate_producer_config`, :func:`merge_producer_configs`,
    :func:`disconnect_producer_receivers`, :func:`full_topic` (``EVENT_BUS_TOPIC_PREFIX``).

The built-in producer and consumer, over any backend
    :class:`BusProducer` (``send``, ``send_batch``), :class:`BusConsumer` (``run``, ``stop``,
    ``stats``), :class:`RetryPolicy`, :class:`ConsumerStats`; :class:`NoEventBusProducer` and
    :class:`NoEventBusConsumer` for a service without a bus.

Backends and what they store
    :class:`Backend` (the contract), :data:`Position`, :class:`Message`, :class:`Record`,
    :class:`TopicInfo`, :class:`GroupInfo`; ``openedx_events.event_bus.sqlite.SqliteBackend`` and
    ``openedx_events.event_bus.memory.MemoryBackend``; :func:`get_backend`.

Inspecting and repairing
    :func:`tail`, :func:`decode_record` (:class:`DecodedEvent`), :func:`encode_event`,
    :func:`list_dead_letters`, :func:`replay_dead_letters` (:class:`DeadLetter`),
    :func:`dead_letter_topic`.

Observing
    :func:`serve_observability` (``/metrics``, ``/livez``, ``/readyz``); spans when an
    OpenTelemetry tracer provider is set, metrics when ``prometheus-client`` is installed.

The signal and metadata classes
    :class:`OpenEdxPublicSignal` and :class:`EventsMetadata`, importable from here too, as
    from the reference implementation's module.

Errors
    :class:`ConsumerConfigurationError`, :class:`ConsumerStoppedError`,
    :class:`EventBusStorageError`, :class:`EventNotPublishedError` (and
    ``ProducerConfigurationError`` from ``openedx_events.exceptions``).
"""

from openedx_events._private.metadata import EventsMetadata
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.event_bus._private.backend import Backend
from openedx_events.event_bus._private.consumer import BusConsumer, ConsumerStats, EventBusConsumer
from openedx_events.event_bus._private.deadletter import (
    DeadLetter,
    list_dead_letters,
    replay_dead_letters,
)
from openedx_events.event_bus._private.errors import (
    ConsumerConfigurationError,
    ConsumerStoppedError,
    EventBusStorageError,
    EventNotPublishedError,
)
from openedx_events.event_bus._private.inactive import NoEventBusConsumer, NoEventBusProducer
from openedx_events.event_bus._private.inspection import get_backend, tail
from openedx_events.event_bus._private.loading import get_producer, make_single_consumer
from openedx_events.event_bus._private.observer import serve_observability
from openedx_events.event_bus._private.producer import BusProducer, EventBusProducer
from openedx_events.event_bus._private.records import (
    GroupInfo,
    Message,
    Position,
    Record,
    TopicInfo,
)
from openedx_events.event_bus._private.retry import RetryPolicy
from openedx_events.event_bus._private.routing import (
    connect_producer_receivers,
    disconnect_producer_receivers,
    general_signal_handler,
    merge_producer_configs,
    validate_producer_config,
)
from openedx_events.event_bus._private.topics import dead_letter_topic, full_topic
from openedx_events.event_bus._private.wire import DecodedEvent, decode_record, encode_event

__all__ = [
    "Backend",
    "BusConsumer",
    "BusProducer",
    "ConsumerConfigurationError",
    "ConsumerStats",
    "ConsumerStoppedError",
    "DeadLetter",
    "DecodedEvent",
    "EventBusConsumer",
    "EventBusProducer",
    "EventBusStorageError",
    "EventNotPublishedError",
    "EventsMetadata",
    "GroupInfo",
    "Message",
    "NoEventBusConsumer",
    "NoEventBusProducer",
    "OpenEdxPublicSignal",
    "Position",
    "Record",
    "RetryPolicy",
    "TopicInfo",
    "connect_producer_receivers",
    "dead_letter_topic",
    "decode_record",
    "disconnect_producer_receivers",
    "encode_event",
    "full_topic",
    "general_signal_handler",
    "get_backend",
    "get_producer",
    "list_dead_letters",
    "make_single_consumer",
    "merge_producer_configs",
    "replay_dead_letters",
    "serve_observability",
    "tail",
    "validate_producer_config",
]
