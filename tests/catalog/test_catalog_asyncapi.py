"""The AsyncAPI document is valid against the official AsyncAPI 3.0 JSON Schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from openedx_events.catalog import build_catalog, write_catalog
from openedx_events.catalog._private.asyncapi import AVRO_SCHEMA_FORMAT, asyncapi_document

# schemas/3.0.0.json of the npm package @asyncapi/specs (see data/README.md).
SPEC = json.loads((Path(__file__).parent / "data" / "asyncapi-3.0.0.json").read_text("utf-8"))
ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"
UNENROLLMENT = "org.openedx.learning.course.unenrollment.completed.v1"
CONFIG = {
    ENROLLMENT: {
        "learning-course-enrollment": {
            "event_key_field": "enrollment.course.course_key",
            "enabled": True,
        },
        "learning-archive": {"event_key_field": None, "enabled": True},
        "learning-off": {"event_key_field": None, "enabled": False},
    },
    UNENROLLMENT: {
        "learning-course-enrollment": {
            "event_key_field": "enrollment.course.course_key",
            "enabled": True,
        },
    },
}


def _errors(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(SPEC)
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)
    ]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document of the whole catalog with three topics configured."""
    return asyncapi_document(build_catalog(producer_config=CONFIG))


def test_the_document_is_valid_asyncapi_3(document: dict[str, Any]) -> None:
    """No error from the official schema; an altered document does get errors."""
    assert document["asyncapi"] == "3.0.0"
    assert _errors(document) == []
    broken = copy.deepcopy(document)
    broken["operations"]["send-learning-archive"]["action"] = "publish"  # AsyncAPI 2 wording
    assert _errors(broken)


def test_the_document_without_routes_is_valid_and_lists_every_event() -> None:
    """No channel when nothing is routed; all 75 events are messages still."""
    document = asyncapi_document(build_catalog(producer_config={}))
    assert _errors(document) == []
    assert "channels" not in document
    assert len(document["components"]["messages"]) == 75


def test_channels_are_the_enabled_topics(document: dict[str, Any]) -> None:
    """A channel and a send operation per topic in use, referencing the events sent there."""
    channels = document["channels"]
    assert {channel["address"] for channel in channels.values()} == {
        "learning-course-enrollment",
        "learning-archive",
    }
    enrollment = channels["learning-course-enrollment"]
    assert set(enrollment["messages"]) == {ENROLLMENT, UNENROLLMENT}
    assert enrollment["messages"][ENROLLMENT] == {"$ref": f"#/components/messages/{ENROLLMENT}"}
    operation = document["operations"]["send-learning-course-enrollment"]
    assert operation["action"] == "send"
    assert operation["channel"] == {"$ref": "#/channels/learning-course-enrollment"}
    assert {"$ref": f"#/channels/learning-course-enrollment/messages/{UNENROLLMENT}"} in operation[
        "messages"
    ]


def test_messages_carry_the_avro_schema_headers_and_key(document: dict[str, Any]) -> None:
    """Avro payload as the bus writes it, the CloudEvents headers, and the Kafka key."""
    from openedx_events.event_bus.avro import schema_from_signal  # noqa: PLC0415
    from openedx_events.tooling import OpenEdxPublicSignal  # noqa: PLC0415

    message = document["components"]["messages"][ENROLLMENT]
    assert message["payload"]["schemaFormat"] == AVRO_SCHEMA_FORMAT
    signal = OpenEdxPublicSignal.get_signal_by_type(ENROLLMENT)
    assert message["payload"]["schema"] == schema_from_signal(signal)
    headers = message["headers"]
    assert headers["properties"]["ce_type"] == {"type": "string", "const": ENROLLMENT}
    assert headers["properties"]["ce_specversion"]["const"] == "1.0"
    assert headers["properties"]["content-type"]["const"] == "application/avro"
    assert set(headers["required"]) >= {"ce_id", "ce_source", "ce_time", "ce_minorversion"}
    assert message["bindings"]["kafka"]["key"]["type"] == "string"
    assert message["x-redis-fields"] == [
        "type", "id", "source", "time", "minorversion", "sourcehost", "sourcelib", "event_data"
    ]  # fmt: skip
    assert message["name"] == "COURSE_ENROLLMENT_CREATED"


def test_deprecated_events_are_marked_deprecated(document: dict[str, Any]) -> None:
    """The deprecated event's message says so; the others do not."""
    messages = document["components"]["messages"]
    assert [name for name, m in messages.items() if m.get("deprecated")] == [
        "org.openedx.content_authoring.content.object.tags.changed.v1"
    ]


def test_a_schema_breaking_avro_naming_is_referenced_from_a_file_beside(tmp_path: Path) -> None:
    """The hyphenated type's schema is an .avsc next to the document; the rest are inline."""
    catalog = build_catalog(producer_config={})
    paths = write_catalog(catalog, "asyncapi", tmp_path)
    document = json.loads((tmp_path / "asyncapi.json").read_text("utf-8"))
    hyphenated = "org.openedx.enterprise.subsidy.redemption-reversed.v1"
    payloads = {
        name: m["payload"]["schema"] for name, m in document["components"]["messages"].items()
    }
    referenced = {name: schema["$ref"] for name, schema in payloads.items() if "$ref" in schema}
    assert referenced == {hyphenated: f"avro/{hyphenated.replace('.', '+')}_schema.avsc"}
    stored = json.loads((tmp_path / referenced[hyphenated]).read_text("utf-8"))
    assert stored == catalog.event(hyphenated).avro_schema
    assert sorted(p.relative_to(tmp_path).as_posix() for p in paths) == [
        "asyncapi.json",
        referenced[hyphenated],
    ]
