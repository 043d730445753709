"""The event bus as an AsyncAPI 3.0 document.

Channels are the topics ``EVENT_BUS_PRODUCER_CONFIG`` sends events to, each with a ``send``
operation; messages are the events that can travel on the bus, with their Avro schema as the
payload (Avro schema format), the Kafka CloudEvents headers, the Kafka message key, and the
field names of a Redis stream entry as the ``x-redis-fields`` extension.

A schema whose names break Avro's naming rules (one event type has a hyphen, and the type is
the schema's namespace) would make the document invalid; such a schema is referenced as an
``.avsc`` file written beside the document (:func:`external_schemas`) instead of inlined.
"""

from __future__ import annotations

import json
import re
from typing import Any

from openedx_events._private.avro.snapshot import schema_file_name
from openedx_events.catalog._private.model import Catalog, EventEntry, sample_metadata
from openedx_events.event_bus.headers import HeaderStyle, metadata_to_headers

__all__ = ["AVRO_SCHEMA_FORMAT", "asyncapi_document", "external_schemas", "render_asyncapi"]

AVRO_SCHEMA_FORMAT = "application/vnd.apache.avro+json;version=1.9.0"
_KAFKA_BINDING_VERSION = "0.5.0"
_JSON_TYPES = {"string": "string", "long": "integer", "int": "integer", "double": "number",
               "float": "number", "boolean": "boolean"}  # fmt: skip
_AVRO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXTERNAL_DIR = "avro"


def render_asyncapi(catalog: Catalog) -> str:
    """The document as JSON text (AsyncAPI accepts JSON as well as YAML)."""
    return json.dumps(asyncapi_document(catalog), indent=2) + "\n"


def asyncapi_document(catalog: Catalog) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the bus that carries ``catalog``'s events."""
    carried = [event for event in catalog.events if event.bus_compatible]
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in catalog.topics:
        on_topic = [event for event in carried if topic in event.topics]
        if not on_topic:
            continue
        channel_id = _unique_id(topic, channels)
        channels[channel_id] = {
            "address": topic,
            "title": topic,
            "description": _channel_description(topic, on_topic),
            "messages": {
                event.event_type: {"$ref": f"#/components/messages/{event.event_type}"}
                for event in on_topic
            },
        }
        operations[_unique_id(f"send-{topic}", operations)] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"A service publishes {len(on_topic)} event type(s) to {topic}.",
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{event.event_type}"}
                for event in on_topic
            ],
        }
    document: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Open edX events",
            "version": catalog.version,
            "description": (
                "The public events of the Open edX platform on the event bus. Payloads are "
                "schemaless Avro records; on Kafka, value and key carry the Confluent Schema "
                "Registry framing (a zero byte and a 4-byte schema id)."
            ),
        },
        "defaultContentType": "application/avro",
    }
    if channels:
        document["channels"] = channels
        document["operations"] = operations
    document["components"] = {"messages": {event.event_type: _message(event) for event in carried}}
    return document


def external_schemas(catalog: Catalog) -> dict[str, dict[str, Any]]:
    """The schemas the document references instead of inlining, by path relative to it."""
    return {
        _external_path(event): event.avro_schema
        for event in catalog.events
        if event.avro_schema is not None and not _follows_avro_naming(event.avro_schema)
    }


def _external_path(event: EventEntry) -> str:
    return f"{_EXTERNAL_DIR}/{schema_file_name(event.event_type)}"


def _follows_avro_naming(schema: Any) -> bool:
    """Whether every name and namespace in ``schema`` is one Avro's grammar allows."""
    if isinstance(schema, list):
        return all(_follows_avro_naming(member) for member in schema)
    if not isinstance(schema, dict):
        return True
    names = [schema["name"]] if "name" in schema else []
    if schema.get("namespace"):
        names += schema["namespace"].split(".")
    if not all(_AVRO_NAME.fullmatch(name) for name in names):
        return False
    children = [field["type"] for field in schema.get("fields", [])]
    children += [schema[key] for key in ("items", "values") if key in schema]
    return all(_follows_avro_naming(child) for child in children)


def _unique_id(text: str, taken: dict[str, Any]) -> str:
    """A key for ``text`` made of the characters AsyncAPI allows, unused in ``taken``."""
    base = re.sub(r"[^\w.\-]", "_", text) or "topic"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _channel_description(topic: str, events: list[EventEntry]) -> str:
    keys = []
    for event in events:
        (route,) = [route for route in event.routes if route.topic == topic and route.enabled]
        keys.append(f"{event.event_type} (key: {route.event_key_field or 'none'})")
    return "Events sent to this topic: " + "; ".join(keys) + "."


def _message(event: EventEntry) -> dict[str, Any]:
    assert event.avro_schema is not None  # only events that travel on the bus get here
    message: dict[str, Any] = {
        "name": event.signal_name or event.event_type,
        "title": event.event_type,
        "summary": event.description or event.event_type,
        "contentType": "application/avro",
        "headers": _headers(event),
        "payload": {"schemaFormat": AVRO_SCHEMA_FORMAT, "schema": _payload_schema(event)},
        "correlationId": {
            "description": "The event's id, unique per event.",
            "location": "$message.header#/ce_id",
        },
    }
    if event.deprecated:
        message["deprecated"] = True
    key = _key_schema(event)
    if key is not None:
        message["bindings"] = {"kafka": {"key": key, "bindingVersion": _KAFKA_BINDING_VERSION}}
    message["x-redis-fields"] = [*_metadata_headers(event, "redis"), "event_data"]
    return message


def _payload_schema(event: EventEntry) -> Any:
    if _follows_avro_naming(event.avro_schema):
        return event.avro_schema
    return {"$ref": _external_path(event)}


def _metadata_headers(event: EventEntry, style: HeaderStyle) -> dict[str, str]:
    metadata = sample_metadata(event.event_type, event.minor_version)
    return metadata_to_headers(metadata, style=style)


def _headers(event: EventEntry) -> dict[str, Any]:
    """A JSON Schema of the Kafka headers, each a UTF-8 string."""
    values = _metadata_headers(event, "kafka")
    fixed = {"ce_type": event.event_type, "ce_minorversion": str(event.minor_version)}
    properties: dict[str, Any] = {}
    for name, example in values.items():
        if name in fixed:
            properties[name] = {"type": "string", "const": fixed[name]}
        elif name in ("ce_specversion", "content-type", "ce_datacontenttype"):
            properties[name] = {"type": "string", "const": example}
        else:
            properties[name] = {"type": "string", "examples": [example]}
    return {"type": "object", "required": list(properties), "properties": properties}


def _key_schema(event: EventEntry) -> dict[str, Any] | None:
    """The JSON type of the Avro value at the event's key path, when the path exists."""
    if not event.event_key_field or event.avro_schema is None:
        return None
    avro: Any = event.avro_schema
    named: dict[str, Any] = {}
    for step in event.event_key_field.split("."):
        avro = _record(avro, named)
        if avro is None:
            return None
        matches = [field for field in avro["fields"] if field["name"] == step]
        if not matches:
            return None
        avro = matches[0]["type"]
    avro = _record(avro, named) or avro
    if isinstance(avro, list):  # ["null", T]
        avro = next(member for member in avro if member != "null")
    json_type = _JSON_TYPES.get(avro) if isinstance(avro, str) else None
    if json_type is None:
        return None
    return {"type": json_type, "description": f"The Avro {avro} at {event.event_key_field}."}


def _record(avro: Any, named: dict[str, Any]) -> Any:
    """``avro`` as a record definition (resolving names and unions), else ``None``."""
    if isinstance(avro, list):
        members = [member for member in avro if member != "null"]
        avro = members[0] if len(members) == 1 else None
    if isinstance(avro, str):
        return named.get(avro)
    if isinstance(avro, dict) and avro.get("type") == "record":
        named[avro["name"]] = avro
        for field in avro["fields"]:
            _record(field["type"], named)  # register nested names in definition order
        return avro
    return None
