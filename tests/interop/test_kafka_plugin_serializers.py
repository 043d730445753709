"""edx-event-bus-kafka's producer serializes events of our signals as our Kafka backend does.

Inside the plugins' virtualenv, the plugin's own ``get_serializers`` builds confluent-kafka
AvroSerializers from our signals (``schema_string()`` and ``to_dict`` of our serializer
classes) and serializes sample events against the Schema Registry double (no real registry can
be installed here). The bytes they make are Confluent framing around exactly the Avro our
codec writes, under the subjects our backend registers.
"""

from __future__ import annotations

import json
from pathlib import Path

from interop_helpers import needs_python312, run_child
from schema_registry_double import SchemaRegistryDouble

from openedx_events._private.avro.event_key import event_key_bytes
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes
from openedx_events.event_bus.kafka._wire import frame, key_subject, unframe, value_subject
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

pytestmark = needs_python312


def test_the_kafka_plugin_serializes_our_events_as_our_backend_does(
    plugin_python: Path, topic_prefix: str
) -> None:
    """For four event types, key and value bytes are 0, the registered schema id, then our
    Avro; the registry holds our backend's value and key subjects and nothing else."""
    with SchemaRegistryDouble() as registry:
        result = run_child(
            plugin_python,
            "kafka",
            topic_prefix,
            "kafka-serialize",
            schema_registry_url=registry.url,
        )
        subjects = registry.subjects()
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    topic = report["topic"]
    assert topic == f"{topic_prefix}-events"
    assert len(report["serialized"]) == 4

    expected_subjects: dict[str, list[int]] = {}
    for serialized in report["serialized"]:
        signal = OpenEdxPublicSignal.get_signal_by_type(serialized["event_type"])
        assert signal.event_key_field == serialized["key_field"]
        data = sample_event_data(signal, 0)
        value = bytes.fromhex(serialized["value"])
        key = bytes.fromhex(serialized["key"])
        value_framing = unframe(value)
        key_framing = unframe(key)
        assert value_framing is not None
        assert key_framing is not None
        assert value == frame(value_framing[0], serialize_event_data_to_bytes(data, signal))
        assert key == frame(key_framing[0], event_key_bytes(data, signal))
        expected_subjects.setdefault(value_subject(topic, signal), []).append(value_framing[0])
        expected_subjects.setdefault(key_subject(topic, signal), []).append(key_framing[0])

    # The key schemas of several types may be one schema: one id, under one subject.
    assert {name: sorted(set(ids)) for name, ids in expected_subjects.items()} == subjects
