"""The catalog's model is read from the live code: registry, codecs, samples, routes, sources."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import openedx_events
from openedx_events._private.avro.codec import codec_for
from openedx_events._private.avro.snapshot import export_schemas
from openedx_events._private.registry import load_all_signals
from openedx_events._private.settings import configure, reset_configuration
from openedx_events.catalog import build_catalog
from openedx_events.catalog._private.history import schema_histories
from openedx_events.event_bus.cloudevents_json import event_from_cloudevent
from openedx_events.exceptions import ProducerConfigurationError
from openedx_events.tooling import OpenEdxPublicSignal

PACKAGE_PARENT = Path(openedx_events.__file__).resolve().parents[1]
ENROLLMENT = "org.openedx.learning.course.enrollment.created.v1"


@pytest.fixture(scope="module")
def catalog() -> Any:
    """The catalog of every registered event, with no routes configured."""
    return build_catalog(producer_config={})


def test_every_registered_signal_is_in_the_catalog(catalog: Any) -> None:
    """75 events, one per registered signal, carrying the signal's own facts."""
    load_all_signals()
    signals = {signal.event_type: signal for signal in OpenEdxPublicSignal.all_events()}
    assert len(catalog.events) == len(signals) == 75
    for event in catalog.events:
        signal = signals[event.event_type]
        assert event.signal_name == signal.signal_name
        assert event.description == signal.description
        assert event.event_key_field == signal.event_key_field
        assert event.minor_version == signal.minor_version
        assert event.aliases == signal.aliases
        assert event.data == tuple((n, cls.__name__) for n, cls in signal.init_data.items())


def test_defined_at_points_at_the_assignment_that_creates_the_signal(catalog: Any) -> None:
    """Path below the package's directory and line of ``NAME = OpenEdxPublicSignal(``."""
    for event in catalog.events:
        where = event.defined_at
        assert where is not None, event.event_type
        assert where.path == f"openedx_events/{event.subdomain}/signals.py"
        assert where.module == f"openedx_events.{event.subdomain}.signals"
        line = (PACKAGE_PARENT / where.path).read_text("utf-8").splitlines()[where.line - 1]
        assert line.startswith(f"{event.signal_name} = OpenEdxPublicSignal("), event.signal_name


def test_stale_bus_warnings_give_way_to_what_the_codec_finds(catalog: Any) -> None:
    """No event keeps the claim it cannot go on the bus: each has a schema and a sample."""
    for event in catalog.events:
        assert event.bus_compatible, event.event_type
        assert not [w for w in event.warnings if "incompatible with the event bus" in w]
        signal = OpenEdxPublicSignal.get_signal_by_type(event.event_type)
        assert event.avro_schema == codec_for(signal).schema
    claims = [
        signal.event_type
        for signal in OpenEdxPublicSignal.all_events()
        if any("incompatible with the event bus" in warning for warning in signal.warnings)
    ]
    assert len(claims) == 7


def test_deprecated_events_are_flagged(catalog: Any) -> None:
    """Exactly the event whose warning says DEPRECATED."""
    deprecated = [event.signal_name for event in catalog.events if event.deprecated]
    assert deprecated == ["CONTENT_OBJECT_TAGS_CHANGED"]


def test_the_sample_is_a_cloudevent_that_decodes_to_the_events_data(catalog: Any) -> None:
    """Every sample is a valid CloudEvent of its type, with a fixed envelope."""
    for event in catalog.events:
        sample = event.sample
        assert sample["type"] == event.event_type
        assert sample["time"] == "2024-05-01T12:00:00+00:00"
        decoded = event_from_cloudevent(sample)
        assert set(decoded.event_data) == {name for name, _ in event.data}


def test_fields_expand_nested_records_depth_first(catalog: Any) -> None:
    """The enrollment's user, their personal data and the course are rows below it."""
    rows = {row.path: row for row in catalog.event(ENROLLMENT).fields}
    assert rows["enrollment"].depth == 0
    assert rows["enrollment.user.pii.username"].type == "str"
    assert rows["enrollment.user.pii.username"].depth == 3
    assert rows["enrollment.course.course_key"].type == "CourseKey"
    assert rows["enrollment.created_by"].optional
    assert rows["enrollment.user.pii.name"].default == "''"
    discussions = catalog.event("org.openedx.learning.discussions.configuration.changed.v1")
    paths = [row.path for row in discussions.fields]
    assert any(path.startswith("configuration.contexts[].") for path in paths)


def test_routes_come_from_the_producer_config_setting() -> None:
    """Topics of EVENT_BUS_PRODUCER_CONFIG, enabled or not, with their key fields."""
    config = {
        ENROLLMENT: {
            "learning-course-enrollment": {
                "event_key_field": "enrollment.course.course_key",
                "enabled": True,
            },
            "learning-archive": {"event_key_field": None, "enabled": False},
        }
    }
    configure(EVENT_BUS_PRODUCER_CONFIG=config)
    try:
        catalog = build_catalog()
    finally:
        reset_configuration()
    event = catalog.event(ENROLLMENT)
    assert event.topics == ("learning-course-enrollment",)
    assert [(r.topic, r.event_key_field, r.enabled) for r in event.routes] == [
        ("learning-course-enrollment", "enrollment.course.course_key", True),
        ("learning-archive", None, False),
    ]
    assert catalog.topics == ("learning-archive", "learning-course-enrollment")
    others = [e for e in catalog.events if e.event_type != ENROLLMENT]
    assert all(not e.routes for e in others)


def test_a_route_given_under_another_spelling_of_the_type_is_the_events() -> None:
    """The page's spelling of the persistent-grade type routes the wire type's event."""
    route = {"event_key_field": None, "enabled": True}
    config = {"org.openedx.learning.course.persistent_grade.summary.v1": {"grades": route}}
    catalog = build_catalog(producer_config=config)
    event = catalog.event("org.openedx.learning.course.persistent_grade_summary.changed.v1")
    assert event.topics == ("grades",)


def test_a_broken_producer_config_is_a_typed_error_naming_the_event() -> None:
    """A key path the event lacks fails the build, naming the event and the path."""
    config = {ENROLLMENT: {"t": {"event_key_field": "enrollment.nope", "enabled": True}}}
    with pytest.raises(ProducerConfigurationError, match=r"enrollment\.nope") as raised:
        build_catalog(producer_config=config)
    assert ENROLLMENT in str(raised.value)


def test_a_plugins_events_are_in_the_catalog(plugin: ModuleType) -> None:
    """Signals a plugin defines are listed, located in the plugin's source."""
    catalog = build_catalog(producer_config={})
    assert len(catalog.events) == 77
    badge = catalog.event("org.openedx.plugin_badges.badge.awarded.v1")
    assert badge.subdomain == "plugin_badges"
    assert badge.subject == "badge"
    assert badge.defined_at is not None
    assert badge.defined_at.path == "catalog_test_plugin/signals.py"
    source = Path(plugin.__file__ or "").read_text("utf-8").splitlines()
    assert source[badge.defined_at.line - 1].startswith("BADGE_AWARDED = OpenEdxPublicSignal(")
    assert badge.bus_compatible
    assert badge.snapshot_status == "new"
    plugin_only = catalog.filtered(defined_in=["catalog_test_plugin"])
    assert [e.signal_name for e in plugin_only.events] == ["BADGE_AWARDED", "HANDLE_OPENED"]


def test_an_event_with_no_avro_form_says_why_it_cannot_travel(plugin: ModuleType) -> None:
    """No schema, no sample, and a warning naming the field at fault."""
    event = build_catalog(producer_config={}).event("org.openedx.plugin_badges.handle.opened.v1")
    assert not event.bus_compatible
    assert event.avro_schema is None
    assert event.sample is None
    assert "opaque.handle" in (event.bus_problem or "")
    assert event.warnings == (f"This event cannot travel on the event bus: {event.bus_problem}",)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Catalog Test", "-c", "user.email=ct@example.org",
         *args],
        check=True,
        capture_output=True,
    )  # fmt: skip


def test_schema_history_classifies_each_commit_of_a_snapshot_file(tmp_path: Path) -> None:
    """Added, then a compatible change, then a breaking one; newest first."""
    signal = OpenEdxPublicSignal.get_signal_by_type(ENROLLMENT)
    repo = tmp_path / "repo"
    snapshot = repo / "schemas"
    _git(tmp_path, "init", "-q", str(repo))
    (path,) = export_schemas(snapshot, [signal])
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "First snapshot")
    schema = json.loads(path.read_text("utf-8"))
    schema["fields"].append({"name": "note", "type": ["null", "string"], "default": None})
    path.write_text(json.dumps(schema), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Add an optional note")
    schema["fields"].append({"name": "required_note", "type": "string"})
    path.write_text(json.dumps(schema), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Add a required note")
    (history,) = schema_histories(snapshot, [ENROLLMENT]).values()
    assert [(r.change, r.summary) for r in history] == [
        ("breaking", "Add a required note"),
        ("compatible", "Add an optional note"),
        ("added", "First snapshot"),
    ]
    assert any("required_note" in detail for detail in history[0].details)
    catalog = build_catalog([signal], producer_config={}, snapshot_dir=snapshot)
    assert catalog.event(ENROLLMENT).schema_history == history
    assert catalog.event(ENROLLMENT).snapshot_status == "breaking"


def test_a_snapshot_outside_git_has_no_history(tmp_path: Path) -> None:
    """An installed package's snapshot: the status still, no revisions."""
    signal = OpenEdxPublicSignal.get_signal_by_type(ENROLLMENT)
    export_schemas(tmp_path, [signal])
    event = build_catalog([signal], producer_config={}, snapshot_dir=tmp_path).event(ENROLLMENT)
    assert event.schema_history == ()
    assert event.snapshot_status == "unchanged"


def test_filtered_keeps_the_named_subdomains(catalog: Any) -> None:
    """The Sphinx directive's ``:subdomains:``: only those events, in catalog order."""
    kept = catalog.filtered(subdomains=["analytics", "authz"])
    assert [e.signal_name for e in kept.events] == [
        "TRACKING_EVENT_EMITTED",
        "ROLE_ASSIGNMENT_CREATED",
        "ROLE_ASSIGNMENT_DELETED",
    ]
    assert [subdomain for subdomain, _ in kept.grouped()] == ["analytics", "authz"]
