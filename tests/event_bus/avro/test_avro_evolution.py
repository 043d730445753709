"""Schema evolution under Avro's resolution rules, in both directions."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from openedx_events._private.avro.evolution import breaking_changes, reader_problems
from openedx_events._private.avro.snapshot import SNAPSHOT_DIR, check_schemas
from openedx_events.event_bus.avro import schema_from_signal
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

OLD = schema_from_signal(COURSE_ENROLLMENT_CREATED)


def _enrollment_fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = schema["fields"][0]["type"]["fields"]
    return fields


def _changed(change: Any) -> dict[str, Any]:
    new = copy.deepcopy(OLD)
    change(_enrollment_fields(new))
    return new


def _kinds(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(direction, p.kind, p.path) for direction, p in breaking_changes(old, new)}


def test_the_committed_snapshot_matches_the_code() -> None:
    """Every event's generated schema equals its .avsc in the package's snapshot."""
    results = check_schemas(SNAPSHOT_DIR)
    assert len(results) == 75
    assert {result.status for result in results} == {"unchanged"}


def test_an_identical_schema_has_no_problem() -> None:
    """A schema is compatible with itself both ways."""
    assert breaking_changes(OLD, copy.deepcopy(OLD)) == []


def test_a_new_optional_field_is_compatible() -> None:
    """Adding ["null", T] with default null breaks nobody."""
    new = _changed(
        lambda f: f.append({"name": "note", "type": ["null", "string"], "default": None})
    )
    assert breaking_changes(OLD, new) == []


def test_a_new_field_without_default_breaks_new_readers() -> None:
    """New consumers cannot fill a required field that old events lack."""
    new = _changed(lambda f: f.append({"name": "note", "type": "string"}))
    assert _kinds(OLD, new) == {("backward", "field-added-without-default", "enrollment.note")}


def test_removing_a_field_without_default_breaks_old_readers() -> None:
    """Old consumers need the mode, which new events no longer carry."""
    new = _changed(lambda f: f.pop(2))
    assert _kinds(OLD, new) == {("forward", "field-removed-without-default", "enrollment.mode")}


def test_removing_an_optional_field_is_compatible() -> None:
    """created_by defaults to null, so old readers cope without it."""
    new = _changed(lambda f: f.pop(5))
    assert breaking_changes(OLD, new) == []


def test_a_changed_type_breaks_both_ways() -> None:
    """A long that becomes a string cannot be read in either direction."""

    def change(fields: list[dict[str, Any]]) -> None:
        fields[0]["type"]["fields"][0]["type"] = "string"

    assert _kinds(OLD, _changed(change)) == {
        ("backward", "type-changed", "enrollment.user.id"),
        ("forward", "type-changed", "enrollment.user.id"),
    }


def test_promotions_are_one_way() -> None:
    """A long widened to a double reads old data, but old readers cannot read doubles."""

    def change(fields: list[dict[str, Any]]) -> None:
        fields[0]["type"]["fields"][0]["type"] = "double"

    assert _kinds(OLD, _changed(change)) == {("forward", "type-changed", "enrollment.user.id")}


def test_making_a_field_optional_breaks_old_readers_only() -> None:
    """mode becoming ["null","string"] reads old strings, but old readers cannot take null."""

    def change(fields: list[dict[str, Any]]) -> None:
        fields[2] = {"name": "mode", "type": ["null", "string"], "default": None}

    assert _kinds(OLD, _changed(change)) == {("forward", "type-changed", "enrollment.mode")}


def test_a_renamed_record_is_a_type_change() -> None:
    """Records resolve by name, so renaming one breaks both directions."""

    def change(fields: list[dict[str, Any]]) -> None:
        fields[1]["type"]["name"] = "CourseRunData"

    kinds = _kinds(OLD, _changed(change))
    assert ("backward", "type-changed", "enrollment.course") in kinds
    assert ("forward", "type-changed", "enrollment.course") in kinds


def test_nested_array_and_map_changes_are_found() -> None:
    """Item and value types are checked inside arrays and maps."""
    old: dict[str, Any] = {
        "type": "record",
        "name": "R",
        "fields": [
            {"name": "tags", "type": {"type": "array", "items": "string"}},
            {"name": "scores", "type": {"type": "map", "values": "long"}},
        ],
    }
    new = copy.deepcopy(old)
    new["fields"][0]["type"]["items"] = "long"
    new["fields"][1]["type"]["values"] = "boolean"
    paths = {p.path for p in reader_problems(old, new)}
    assert paths == {"tags[]", "scores{}"}


@pytest.mark.parametrize(("writer", "reader"), [("string", "bytes"), ("bytes", "string")])
def test_string_and_bytes_read_each_other(writer: str, reader: str) -> None:
    """Avro resolves string and bytes into each other."""
    assert reader_problems(writer, reader) == []
