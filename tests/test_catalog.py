"""The catalog matches the catalog page and the reference implementation's data, event by event.

The page documents 63 events; the reference implementation defines 12 more, and the catalog has
all 75. The reference's facts are the golden wire data (tests/golden, tools/golden_wire.py); the
page lives beside the repository, so its tests run where it is.
"""

from __future__ import annotations

import importlib
import re
import typing
from pathlib import Path
from typing import Any, BinaryIO

import attrs
import pytest

from golden_data import data_classes, signals
from openedx_events._private.fields import (
    data_fields,
    field_path_problem,
    is_data_class,
    type_label,
)
from openedx_events.learning.data import CourseDiscussionConfigurationData
from openedx_events.learning.signals import PERSISTENT_GRADE_SUMMARY_CHANGED
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal

# The catalog page, beside the repository (never copied into it).
CATALOG_PAGE = Path(__file__).resolve().parents[2] / "shared" / "spec" / "000_97fdc21df01d4e1c.txt"


# ---- the catalog page, parsed ---------------------------------------------------------------


@attrs.frozen
class PageEntry:
    """One event as the catalog page documents it."""

    event_type: str
    description: str
    signal_name: str
    event_key_field: str | None
    event_data: str
    warnings: tuple[str, ...]


def parse_catalog_page(text: str) -> list[PageEntry]:
    """The event entries of the catalog page, in page order."""
    entries = []
    for block in re.split(r"^(?=org\.openedx\.\S+#$)", text, flags=re.MULTILINE)[1:]:
        lines = [line.strip() for line in block.splitlines()]
        fields = dict(line.split(": ", 1) for line in lines if re.match(r"^[A-Z][a-z ]+: ", line))
        warnings = tuple(lines[index + 2] for index, line in enumerate(lines) if line == "Warning")
        entries.append(
            PageEntry(
                event_type=lines[0].removesuffix("#"),
                description=fields["Description"],
                signal_name=fields["Signal name"],
                event_key_field=fields.get("Event key field"),
                event_data=fields["Event data"],
                warnings=warnings,
            )
        )
    return entries


def _page_entries() -> list[PageEntry]:
    if not CATALOG_PAGE.exists():
        return []
    return parse_catalog_page(CATALOG_PAGE.read_text(encoding="utf-8"))


PAGE = _page_entries()
REFERENCE_EVENTS = signals()
PAGE_NAMES = {entry.signal_name for entry in PAGE}
DATA_CLASSES = data_classes()

needs_page = pytest.mark.skipif(not PAGE, reason=f"the catalog page {CATALOG_PAGE} is absent")


def _signal_named(name: str) -> OpenEdxPublicSignal:
    (signal,) = [s for s in OpenEdxPublicSignal.all_events() if s.signal_name == name]
    return signal


# ---- against the catalog page -------------------------------------------------------------


@needs_page
def test_every_event_of_the_catalog_page_is_in_the_catalog() -> None:
    """63 events on the page, each with a signal of the same name in the catalog."""
    assert len(PAGE) == 63
    assert len({entry.signal_name for entry in PAGE}) == 63
    ours = {signal.signal_name for signal in OpenEdxPublicSignal.all_events()}
    assert {entry.signal_name for entry in PAGE} <= ours


# Two entries of the page name a data class the event does not carry; the signals carry what
# the reference implementation sends (page's name -> the class actually sent).
PAGE_EVENT_DATA_ERRATA = {
    "CONTENT_OBJECT_ASSOCIATIONS_CHANGED": ("ContentObjectData", "ContentObjectChangedData"),
    "USER_NOTIFICATION_REQUESTED": ("UserNotificationSendListData", "UserNotificationData"),
}


@needs_page
@pytest.mark.parametrize("entry", PAGE, ids=lambda entry: entry.signal_name)
def test_signal_matches_its_catalog_page_entry(entry: PageEntry) -> None:
    """Type (as the page spells it), description, key field, data class and warnings."""
    signal = OpenEdxPublicSignal.get_signal_by_type(entry.event_type)
    assert signal.signal_name == entry.signal_name
    assert signal.description == entry.description
    assert signal.event_key_field == entry.event_key_field
    assert list(signal.warnings) == list(entry.warnings)
    page_says, carried = PAGE_EVENT_DATA_ERRATA.get(
        entry.signal_name, (entry.event_data, entry.event_data)
    )
    assert entry.event_data == page_says
    assert [cls.__name__ for cls in signal.init_data.values()] == [carried]


@needs_page
@pytest.mark.parametrize("entry", PAGE, ids=lambda entry: entry.signal_name)
def test_signal_is_importable_from_its_subdomain_module(entry: PageEntry) -> None:
    """``openedx_events.<subdomain>.signals.<SIGNAL_NAME>`` is the registered signal."""
    subdomain = entry.event_type.split(".")[2]
    module = importlib.import_module(f"openedx_events.{subdomain}.signals")
    assert getattr(module, entry.signal_name) is _signal_named(entry.signal_name)
    assert entry.signal_name in module.__all__


def test_persistent_grade_summary_travels_under_its_wire_type() -> None:
    """The wire type is ...persistent_grade_summary.changed.v1; the page's spelling finds it."""
    signal = PERSISTENT_GRADE_SUMMARY_CHANGED
    assert signal.event_type == "org.openedx.learning.course.persistent_grade_summary.changed.v1"
    page_spelling = "org.openedx.learning.course.persistent_grade.summary.v1"
    assert OpenEdxPublicSignal.get_signal_by_type(page_spelling) is signal
    assert page_spelling not in {s.event_type for s in OpenEdxPublicSignal.all_events()}


def test_certificate_config_events_keep_the_binary_signatory_image() -> None:
    """COURSE_CERTIFICATE_CONFIG_CHANGED/DELETED carry signatories whose image is BinaryIO."""
    for name in ("COURSE_CERTIFICATE_CONFIG_CHANGED", "COURSE_CERTIFICATE_CONFIG_DELETED"):
        (config_class,) = _signal_named(name).init_data.values()
        signatories = {f.name: f.type for f in data_fields(config_class)}["signatories"]
        (signatory_class,) = typing.get_args(signatories)
        assert {f.name: f.type for f in data_fields(signatory_class)}["image"] is BinaryIO


# ---- against the reference implementation's data --------------------------------------------


def test_the_catalog_holds_exactly_the_reference_signals() -> None:
    """75 signals, the same event types and names as the reference: the page's 63 and 12 more."""
    assert len(REFERENCE_EVENTS) == 75
    signals = OpenEdxPublicSignal.all_events()
    assert sorted(signal.event_type for signal in signals) == sorted(
        event["event_type"] for event in REFERENCE_EVENTS
    )
    assert sorted(signal.signal_name or "" for signal in signals) == sorted(
        event["signal_name"] for event in REFERENCE_EVENTS
    )


@pytest.mark.parametrize("event", REFERENCE_EVENTS, ids=lambda event: event["signal_name"])
def test_signal_matches_the_reference_signal(event: dict[str, Any]) -> None:
    """Wire type, module, minor version, key field and data classes agree."""
    signal = OpenEdxPublicSignal.get_signal_by_type(event["event_type"])
    assert signal.event_type == event["event_type"]
    assert signal.signal_name == event["signal_name"]
    module = importlib.import_module(event["module"])
    assert getattr(module, event["signal_name"]) is signal
    assert event["signal_name"] in module.__all__
    assert signal.minor_version == event["minor_version"]
    assert signal.event_key_field == event["event_key_field"]
    assert {
        name: f"{cls.__module__}.{cls.__qualname__}" for name, cls in signal.init_data.items()
    } == event["data"]


def _off_the_page() -> list[Any]:
    if not PAGE:  # which events are off the page is only known with the page
        return [pytest.param(None, marks=needs_page, id="no-page")]
    off = [event for event in REFERENCE_EVENTS if event["signal_name"] not in PAGE_NAMES]
    return [pytest.param(event, id=event["signal_name"]) for event in off]


@pytest.mark.parametrize("event", _off_the_page())
def test_signal_off_the_page_has_a_description_of_its_own(event: dict[str, Any]) -> None:
    """The 12 events the page does not list are described in this project's own words."""
    signal = OpenEdxPublicSignal.get_signal_by_type(event["event_type"])
    assert signal.description
    assert signal.description != event["description"]
    assert list(signal.warnings) == []


def _walk_key_path(signal: OpenEdxPublicSignal, path: str) -> Any:
    """The field type at dotted ``path`` of the signal's data, or fail naming the step."""
    argument, *steps = path.split(".")
    current: Any = signal.init_data[argument]
    for step in steps:
        assert is_data_class(current), f"{path}: {step!r} is below a non-record"
        fields = {spec.name: spec.type for spec in data_fields(current)}
        assert step in fields, f"{path}: {current.__name__} has no field {step!r}"
        current = fields[step]
    return current


@pytest.mark.parametrize(
    "event",
    [event for event in REFERENCE_EVENTS if event["event_key_field_resolvable"]],
    ids=lambda event: event["signal_name"],
)
def test_event_key_field_resolves_in_the_data(event: dict[str, Any]) -> None:
    """The key path names a scalar field of the data classes, with a value in sample data."""
    signal = OpenEdxPublicSignal.get_signal_by_type(event["event_type"])
    key_type = _walk_key_path(signal, signal.event_key_field or "")
    assert not is_data_class(key_type)
    value: Any = sample_event_data(signal)
    for step in (signal.event_key_field or "").split("."):
        value = value[step] if isinstance(value, dict) else getattr(value, step)
    assert value is not None


# For four events off the page, the reference documents a key path that their data lacks (a
# "user" or a "catalog_info" argument they do not carry). The signals keep the documented path,
# as plugins may read it; the commands that produce events send these ones without a key.
KEY_FIELDS_LEADING_NOWHERE = {
    "ROLE_ASSIGNMENT_CREATED": "user.pii.username",
    "ROLE_ASSIGNMENT_DELETED": "user.pii.username",
    "COURSE_IMPORT_COMPLETED": "catalog_info.course_key",
    "COURSE_RERUN_COMPLETED": "catalog_info.course_key",
}


def _leads_somewhere(signal: OpenEdxPublicSignal, path: str) -> bool:
    return field_path_problem(signal.init_data, path) is None


def test_only_the_known_reference_key_fields_lead_nowhere() -> None:
    """Exactly four events have a documented key path outside their data, kept as documented."""
    nowhere = {
        event["signal_name"]: event["event_key_field"]
        for event in REFERENCE_EVENTS
        if event["event_key_field_resolvable"] is False
    }
    assert nowhere == KEY_FIELDS_LEADING_NOWHERE
    for name, path in KEY_FIELDS_LEADING_NOWHERE.items():
        signal = _signal_named(name)
        assert signal.event_key_field == path
        assert not _leads_somewhere(signal, path)
    for event in REFERENCE_EVENTS:
        if event["event_key_field_resolvable"]:
            assert _leads_somewhere(_signal_named(event["signal_name"]), event["event_key_field"])


# The reference defaults CourseDiscussionConfigurationData.plugin_configuration to the dict
# type itself (not an empty dict), which nothing can serialize; ours defaults to a fresh {}.
DOCUMENTED_DEFAULT_DEVIATIONS: dict[tuple[str, str], Any] = {
    ("openedx_events.learning.data.CourseDiscussionConfigurationData", "plugin_configuration"): {}
}


def _import(qualified_name: str) -> type:
    module, _, name = qualified_name.rpartition(".")
    cls: type = getattr(importlib.import_module(module), name)
    return cls


def _normalized(type_text: str) -> str:
    return type_text.replace("List[", "list[").replace("Dict[", "dict[")


def _our_default(field: attrs.Attribute[Any]) -> Any:
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs' own class
        return default.factory()  # type: ignore[union-attr]  # checked just above
    return default


def test_every_reference_data_class_is_carried_by_some_event() -> None:
    """The 50 reference data classes are exactly those the catalog's events carry."""
    assert len(DATA_CLASSES) == 50
    carried: set[str] = set()
    pending = [
        cls for signal in OpenEdxPublicSignal.all_events() for cls in signal.init_data.values()
    ]
    while pending:
        cls = pending.pop()
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name in carried:
            continue
        carried.add(name)
        for spec in data_fields(cls):
            for inner in (spec.type, *typing.get_args(spec.type)):
                if is_data_class(inner):
                    pending.append(inner)
    assert carried == {reference["qualified_name"] for reference in DATA_CLASSES}


@pytest.mark.parametrize(
    "reference", DATA_CLASSES, ids=lambda reference: reference["qualified_name"]
)
def test_data_class_matches_the_reference_layout(reference: dict[str, Any]) -> None:
    """Frozen attrs class with the same fields, in wire order, types, defaults, kw_only."""
    cls = _import(reference["qualified_name"])
    assert attrs.has(cls)
    assert cls.__attrs_attrs__ is attrs.fields(cls)  # type: ignore[attr-defined]  # attrs class
    assert cls.__setattr__ is not object.__setattr__, "data classes are frozen"
    assert [f"{b.__module__}.{b.__qualname__}" for b in cls.__bases__ if attrs.has(b)] == reference[
        "attrs_bases"
    ]
    ours = {field.name: field for field in attrs.fields(cls)}
    assert list(ours) == [field["name"] for field in reference["fields"]]
    labels = {spec.name: type_label(spec.type) for spec in data_fields(cls)}
    for expected in reference["fields"]:
        name = expected["name"]
        field = ours[name]
        assert _normalized(labels[name]) == _normalized(expected["type"]), name
        assert field.kw_only == expected["kw_only"], name
        assert (field.default is not attrs.NOTHING) == expected["has_default"], name
        assert field.validator is None, name
        assert not expected["validators"], name
        if not expected["has_default"]:
            continue
        deviation_key = (reference["qualified_name"], name)
        kind = expected["default"]["kind"]
        if deviation_key in DOCUMENTED_DEFAULT_DEVIATIONS:
            assert kind == "non_json_object"
            assert _our_default(field) == DOCUMENTED_DEFAULT_DEVIATIONS[deviation_key]
        elif kind == "none":
            assert field.default is None, name
        elif kind == "literal":
            assert field.default == expected["default"]["value"], name
        else:
            assert kind == "factory", name
            # factory=str and a literal "" give the same immutable value to every instance.
            if not isinstance(expected["default"]["value"], str):
                assert isinstance(field.default, attrs.Factory), name  # type: ignore[arg-type]  # attrs' own class
            assert _our_default(field) == expected["default"]["value"], name


def test_factory_defaults_give_each_instance_its_own_container() -> None:
    """Two instances built with a factory default do not share one list or dict."""
    fields = {f.name: f for f in attrs.fields(CourseDiscussionConfigurationData)}
    factory = fields["plugin_configuration"].default
    assert isinstance(factory, attrs.Factory)  # type: ignore[arg-type]  # attrs' own class
    assert factory.factory() is not factory.factory()  # type: ignore[union-attr]  # a Factory
