"""Choosing the bus from the settings, and publishing signals as EVENT_BUS_PRODUCER_CONFIG says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openedx_events import configure
from openedx_events.event_bus import (
    BusConsumer,
    BusProducer,
    ConsumerConfigurationError,
    NoEventBusConsumer,
    NoEventBusProducer,
    connect_producer_receivers,
    disconnect_producer_receivers,
    encode_event,
    full_topic,
    general_signal_handler,
    get_backend,
    get_producer,
    make_single_consumer,
    merge_producer_configs,
    validate_producer_config,
)
from openedx_events.event_bus._private.loading import configured_producer
from openedx_events.event_bus.memory import MemoryBackend
from openedx_events.event_bus.sqlite import SqliteBackend
from openedx_events.exceptions import ProducerConfigurationError
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED, SESSION_LOGIN_COMPLETED
from openedx_events.samples import sample_event_data

ENROLLED = COURSE_ENROLLMENT_CREATED.event_type
KEY = "enrollment.course.course_key"


def _route(enabled: Any = True, key: Any = KEY) -> dict[str, Any]:
    return {"event_key_field": key, "enabled": enabled}


def test_unset_settings_mean_the_embedded_bus_at_the_configured_path(bus_settings: Path) -> None:
    producer = get_producer()
    assert isinstance(producer, BusProducer)
    assert isinstance(producer.backend, SqliteBackend)
    assert producer.backend.path == bus_settings
    consumer = make_single_consumer(topic="t", group_id="g")
    assert isinstance(consumer, BusConsumer)
    assert consumer.backend is get_backend()


def test_the_memory_bus_is_chosen_by_dotted_path(bus_settings: Path) -> None:
    configure(
        EVENT_BUS_PRODUCER="openedx_events.event_bus.memory.create_producer",
        EVENT_BUS_CONSUMER="openedx_events.event_bus.memory.create_consumer",
    )
    assert isinstance(get_backend(), MemoryBackend)
    consumer = make_single_consumer(topic="t", group_id="g", consumer_name="one")
    assert isinstance(consumer, BusConsumer)
    assert consumer.backend is get_backend()


def test_with_no_bus_configured_the_producer_is_inactive_and_a_consumer_an_error(
    bus_settings: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No EVENT_BUS_PRODUCER/CONSUMER and no bus file: the bus is off, as in the reference."""
    configure(EVENT_BUS_SQLITE_PATH=None)
    producer = get_producer()
    assert isinstance(producer, NoEventBusProducer)
    assert get_producer() is producer
    metadata = COURSE_ENROLLMENT_CREATED.generate_signal_metadata()
    producer.send(
        signal=COURSE_ENROLLMENT_CREATED,
        topic="t",
        event_key_field="enrollment.course.course_key",
        event_data=sample_event_data(COURSE_ENROLLMENT_CREATED, 1),
        event_metadata=metadata,
    )
    (warning,) = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "event bus is inactive" in warning.getMessage()
    with pytest.raises(ConsumerConfigurationError, match="EVENT_BUS_CONSUMER is not set"):
        make_single_consumer(topic="t", group_id="g")
    with pytest.raises(ProducerConfigurationError, match="EVENT_BUS_PRODUCER is not set"):
        configured_producer()
    assert not bus_settings.exists()


def test_with_no_bus_configured_routes_stay_in_the_process_with_one_warning(
    bus_settings: Path, caplog: pytest.LogCaptureFixture
) -> None:
    configure(
        EVENT_BUS_SQLITE_PATH=None,
        EVENT_BUS_PRODUCER_CONFIG={
            ENROLLED: {"a": _route(), "b": _route(), "off": _route(enabled=False)}
        },
    )
    received: list[Any] = []

    def receiver(**kwargs: Any) -> None:
        received.append(kwargs)

    COURSE_ENROLLMENT_CREATED.connect(receiver)
    try:
        assert connect_producer_receivers() == {}
        COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 1))
    finally:
        COURSE_ENROLLMENT_CREATED.disconnect(receiver)
    assert len(received) == 1  # in-process receivers still get the event
    (warning,) = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "event bus is inactive" in warning.getMessage()
    assert "2 enabled route(s) of EVENT_BUS_PRODUCER_CONFIG" in warning.getMessage()
    assert not bus_settings.exists()


def test_a_bad_config_is_refused_even_with_no_bus_configured(bus_settings: Path) -> None:
    configure(EVENT_BUS_SQLITE_PATH=None, EVENT_BUS_PRODUCER_CONFIG={ENROLLED: {"a": {}}})
    with pytest.raises(ProducerConfigurationError, match="missing key"):
        connect_producer_receivers()


def test_the_embedded_bus_is_one_setting_away(bus_settings: Path) -> None:
    """Setting EVENT_BUS_SQLITE_PATH alone makes it the producer and the consumer."""
    configure(EVENT_BUS_PRODUCER=None, EVENT_BUS_CONSUMER=None)
    assert isinstance(get_producer(), BusProducer)
    assert isinstance(make_single_consumer(topic="t", group_id="g"), BusConsumer)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nodots", "not a dotted path"),
        ("no.such.module.factory", "cannot import 'no.such.module'"),
        ("openedx_events.event_bus.sqlite.nothing_here", "has no 'nothing_here'"),
        ("openedx_events.event_bus.sqlite.DEFAULT_PATH", "cannot be called"),
        ("openedx_events.event_bus.sqlite.backend_from_settings", "not an EventBusProducer"),
    ],
)
def test_a_broken_producer_setting_is_an_error_naming_it(
    bus_settings: Path, path: str, message: str
) -> None:
    configure(EVENT_BUS_PRODUCER=path)
    with pytest.raises(ProducerConfigurationError, match="EVENT_BUS_PRODUCER") as raised:
        get_producer()
    assert message in str(raised.value)


def test_a_broken_consumer_setting_or_argument_is_an_error_naming_it(bus_settings: Path) -> None:
    configure(EVENT_BUS_CONSUMER="openedx_events.event_bus.sqlite.create_producer")
    with pytest.raises(ConsumerConfigurationError, match=r"EVENT_BUS_CONSUMER=.*refused"):
        make_single_consumer(topic="t", group_id="g")
    configure(EVENT_BUS_CONSUMER="openedx_events.event_bus.sqlite.create_consumer")
    with pytest.raises(ConsumerConfigurationError, match="no_such_option"):
        make_single_consumer(topic="t", group_id="g", no_such_option=1)


def test_the_topic_prefix_is_put_in_front_of_every_topic(bus_settings: Path) -> None:
    assert full_topic("enrollments") == "enrollments"
    configure(EVENT_BUS_TOPIC_PREFIX="prod")
    assert full_topic("enrollments") == "prod-enrollments"


def test_a_configured_signal_is_published_to_each_enabled_topic(bus_settings: Path) -> None:
    configure(
        EVENT_BUS_TOPIC_PREFIX="dev",
        EVENT_BUS_PRODUCER_CONFIG={
            ENROLLED: {"a": _route(), "b": _route(key=None), "off": _route(enabled=False)}
        },
    )
    assert connect_producer_receivers() == {ENROLLED: [("a", KEY, None), ("b", None, None)]}
    data = sample_event_data(COURSE_ENROLLMENT_CREATED, 1)
    COURSE_ENROLLMENT_CREATED.send_event(**data)
    SESSION_LOGIN_COMPLETED.send_event(**sample_event_data(SESSION_LOGIN_COMPLETED, 1))
    backend = get_backend()
    assert [t.name for t in backend.topics()] == ["dev-a", "dev-b"]
    (record,) = backend.read("dev-a")
    assert record.key == str(data["enrollment"].course.course_key)
    assert record.headers["type"] == ENROLLED
    assert backend.read("dev-b")[0].key is None


def test_an_event_that_came_from_the_bus_is_not_published_again(bus_settings: Path) -> None:
    configure(EVENT_BUS_PRODUCER_CONFIG={ENROLLED: {"a": _route()}})
    connect_producer_receivers()
    COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 1))
    consumer = make_single_consumer(topic="a", group_id="g")
    assert isinstance(consumer, BusConsumer)
    assert consumer.run(until_idle=True).delivered == 1
    assert get_backend().topics()[0].length == 1


def test_the_general_signal_handler_publishes_as_the_current_configuration_says(
    bus_settings: Path,
) -> None:
    """The reference's receiver, connected by hand: it reads the routes at each event."""
    COURSE_ENROLLMENT_CREATED.connect(general_signal_handler)
    try:
        configure(EVENT_BUS_PRODUCER_CONFIG={ENROLLED: {"a": _route(), "off": _route(False)}})
        COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 1))
        configure(EVENT_BUS_PRODUCER_CONFIG={})
        COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 2))
    finally:
        COURSE_ENROLLMENT_CREATED.disconnect(general_signal_handler)
        disconnect_producer_receivers()
    assert [(t.name, t.length) for t in get_backend().topics()] == [("a", 1)]


def test_the_inactive_producer_and_consumer_of_a_service_without_a_bus() -> None:
    data = sample_event_data(COURSE_ENROLLMENT_CREATED, 1)
    metadata = COURSE_ENROLLMENT_CREATED.generate_signal_metadata()
    NoEventBusProducer().send(
        signal=COURSE_ENROLLMENT_CREATED,
        topic="t",
        event_key_field=None,
        event_data=data,
        event_metadata=metadata,
    )
    with pytest.raises(ConsumerConfigurationError, match="EVENT_BUS_CONSUMER"):
        NoEventBusConsumer().consume_indefinitely()


def test_connecting_again_applies_the_current_configuration(bus_settings: Path) -> None:
    configure(EVENT_BUS_PRODUCER_CONFIG={ENROLLED: {"a": _route()}})
    connect_producer_receivers()
    connect_producer_receivers()
    configure(EVENT_BUS_PRODUCER_CONFIG={})
    connect_producer_receivers()
    COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 1))
    assert get_backend().topics() == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ([], "must be a dict"),
        ({"org.openedx.learning.no.such.v1": {}}, "org.openedx.learning.no.such.v1"),
        ({ENROLLED: ["a"]}, "must map topics to their settings"),
        ({ENROLLED: {"a": {"enabled": True}}}, "topic 'a': missing key 'event_key_field'"),
        ({ENROLLED: {"a": {**_route(), "extra": 1}}}, "unknown key 'extra'"),
        ({ENROLLED: {"a": _route(enabled="yes")}}, "'enabled' must be True or False"),
        ({ENROLLED: {"a": _route(key=3)}}, "'event_key_field' must be a string"),
        ({ENROLLED: {"a": _route(key="user.id")}}, "the event carries no 'user'"),
        ({ENROLLED: {"a": _route(key="enrollment.nope")}}, "has no field 'nope'"),
        ({ENROLLED: {"a": _route(key="enrollment.mode.x")}}, "'x' is not inside a record"),
        ({ENROLLED: {"": _route()}}, "topic name"),
    ],
)
def test_an_invalid_producer_config_names_the_event_and_the_key(
    bus_settings: Path, config: Any, message: str
) -> None:
    configure(EVENT_BUS_PRODUCER_CONFIG=config)
    with pytest.raises(ProducerConfigurationError) as raised:
        connect_producer_receivers()
    assert message in str(raised.value)
    with pytest.raises(ProducerConfigurationError):
        validate_producer_config(config)


def test_merge_producer_configs_lays_overrides_over_the_original_key_by_key() -> None:
    original = {ENROLLED: {"a": _route(), "b": _route()}, "other": {"c": _route()}}
    overrides = {ENROLLED: {"a": {"enabled": False}, "new": _route()}}
    merged = merge_producer_configs(original, overrides)
    assert merged == {
        ENROLLED: {"a": _route(enabled=False), "b": _route(), "new": _route()},
        "other": {"c": _route()},
    }
    assert original[ENROLLED]["a"]["enabled"] is True


def test_the_pre_event_hook_setting_names_a_callable(bus_settings: Path) -> None:
    configure(
        EVENT_BUS_PRODUCER_CONFIG={ENROLLED: {"a": _route()}},
        EVENT_BUS_CONSUMER_PRE_EVENT_HOOK="gc.collect",
    )
    connect_producer_receivers()
    COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 1))
    consumer = make_single_consumer(topic="a", group_id="g")
    assert isinstance(consumer, BusConsumer)
    assert consumer.run(until_idle=True).delivered == 1
    configure(EVENT_BUS_CONSUMER_PRE_EVENT_HOOK="openedx_events.event_bus.sqlite.DEFAULT_PATH")
    hooked = make_single_consumer(topic="a", group_id="g", position=0)
    assert isinstance(hooked, BusConsumer)
    with pytest.raises(ConsumerConfigurationError, match=r"PRE_EVENT_HOOK=.* is not callable"):
        hooked.run(until_idle=True)


def test_a_broken_producer_setting_fails_when_routes_are_connected(bus_settings: Path) -> None:
    configure(
        EVENT_BUS_PRODUCER="no.such.module.create_producer",
        EVENT_BUS_PRODUCER_CONFIG={ENROLLED: {"a": _route()}},
    )
    with pytest.raises(ProducerConfigurationError, match="EVENT_BUS_PRODUCER"):
        connect_producer_receivers()
    assert not any("event bus publisher" in repr(r) for r in COURSE_ENROLLMENT_CREATED.receivers)


def test_a_route_may_name_its_publishing_mode(bus_settings: Path) -> None:
    configure(
        EVENT_BUS_PRODUCER_CONFIG={
            ENROLLED: {"a": {**_route(), "mode": "immediate"}, "b": {**_route(), "mode": None}}
        }
    )
    assert connect_producer_receivers() == {ENROLLED: [("a", KEY, "immediate"), ("b", KEY, None)]}


def test_without_a_transaction_manager_on_commit_publishes_at_once(bus_settings: Path) -> None:
    """The core knows no transactions: the default mode, on_commit, has nothing to wait for."""
    configure(EVENT_BUS_PRODUCER_CONFIG={ENROLLED: {"a": _route()}})
    connect_producer_receivers()
    COURSE_ENROLLMENT_CREATED.send_event(**sample_event_data(COURSE_ENROLLMENT_CREATED, 1))
    assert len(get_backend().read("a")) == 1


@pytest.mark.parametrize(
    ("route_mode", "default", "message"),
    [
        ("later", None, "topic 'a': 'mode': unknown mode 'later'"),
        ("outbox", None, "the 'outbox' mode needs the Django app"),
        (None, "outbox", "EVENT_BUS_PRODUCER_MODE: the 'outbox' mode needs the Django app"),
        (None, "sometimes", "EVENT_BUS_PRODUCER_MODE: unknown mode 'sometimes'"),
    ],
)
def test_a_mode_that_cannot_be_carried_out_fails_at_connection(
    bus_settings: Path, route_mode: str | None, default: str | None, message: str
) -> None:
    configure(
        EVENT_BUS_PRODUCER_MODE=default,
        EVENT_BUS_PRODUCER_CONFIG={ENROLLED: {"a": {**_route(), "mode": route_mode}}},
    )
    with pytest.raises(ProducerConfigurationError, match=message):
        connect_producer_receivers()


def test_send_encoded_publishes_the_bytes_encoded_earlier(bus_settings: Path) -> None:
    configure(EVENT_BUS_TOPIC_PREFIX="dev")
    data = sample_event_data(COURSE_ENROLLMENT_CREATED, 1)
    metadata = COURSE_ENROLLMENT_CREATED.generate_signal_metadata()
    message = encode_event(COURSE_ENROLLMENT_CREATED, data, metadata, KEY)
    producer = get_producer()
    assert isinstance(producer, BusProducer)
    producer.send_encoded("a", [message, message])
    assert [r.message for r in get_backend().read("dev-a")] == [message, message]
