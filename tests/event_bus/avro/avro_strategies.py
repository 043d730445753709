"""Hypothesis strategies for valid payloads of any event, built from its Avro type model."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, BinaryIO
from uuid import UUID

from ccx_keys.locator import CCXLocator
from hypothesis import strategies as st
from opaque_keys.edx.keys import CourseKey, UsageKey
from opaque_keys.edx.locator import (
    LibraryCollectionLocator,
    LibraryContainerLocator,
    LibraryLocatorV2,
    LibraryUsageLocatorV2,
)

from openedx_events._private.avro.model import (
    ArrayNode,
    CustomNode,
    FieldNode,
    MapNode,
    Node,
    PrimitiveNode,
    RecordNode,
)
from openedx_events._private.avro.schema import signal_record_fields
from openedx_events.tooling import OpenEdxPublicSignal

_PART = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_]{0,10}", fullmatch=True)
_SLUG = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)
_COURSE = st.builds(
    lambda org, course, run: CourseKey.from_string(f"course-v1:{org}+{course}+{run}"),
    _PART,
    _PART,
    _PART,
)
_USAGE = st.builds(
    lambda course, kind, block: course.make_usage_key(kind, block),
    _COURSE,
    st.sampled_from(["problem", "html", "video", "vertical"]),
    _PART,
)
_LIBRARY = st.builds(LibraryLocatorV2, _PART, _SLUG)
_STRATEGIES: dict[Any, st.SearchStrategy[Any]] = {
    CourseKey: _COURSE,
    UsageKey: _USAGE,
    CCXLocator: st.builds(
        lambda course, ccx: CCXLocator.from_course_locator(course, str(ccx)),
        _COURSE,
        st.integers(1, 10**6),
    ),
    LibraryLocatorV2: _LIBRARY,
    LibraryUsageLocatorV2: st.builds(
        LibraryUsageLocatorV2,
        _LIBRARY,
        st.sampled_from(["problem", "html"]),
        _SLUG,
    ),
    LibraryCollectionLocator: st.builds(LibraryCollectionLocator, _LIBRARY, _SLUG),
    LibraryContainerLocator: st.builds(
        LibraryContainerLocator,
        _LIBRARY,
        st.sampled_from(["unit", "subsection", "section"]),
        _SLUG,
    ),
    datetime: st.datetimes(
        min_value=datetime(1970, 1, 2),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]),
    ),
    UUID: st.uuids(),
    BinaryIO: st.binary(max_size=64).map(io.BytesIO),
}
_PRIMITIVES: dict[str, st.SearchStrategy[Any]] = {
    "string": st.text(st.characters(codec="utf-8"), max_size=20),
    "long": st.integers(-(2**63), 2**63 - 1),
    "double": st.floats(allow_nan=False),
    "boolean": st.booleans(),
    "bytes": st.binary(max_size=20),
}


def node_strategy(node: Node) -> st.SearchStrategy[Any]:
    """Valid Python values of one node."""
    if isinstance(node, PrimitiveNode):
        return _PRIMITIVES[node.avro_type]
    if isinstance(node, CustomNode):
        return _STRATEGIES[node.entry.python_type]
    if isinstance(node, ArrayNode):
        return st.lists(node_strategy(node.items), max_size=3)
    if isinstance(node, MapNode):
        return st.dictionaries(_PRIMITIVES["string"], node_strategy(node.values), max_size=3)
    return _record(node)


def _field(field: FieldNode) -> st.SearchStrategy[Any]:
    inner = node_strategy(field.node)
    return st.one_of(st.none(), inner) if field.optional else inner


def _record(node: RecordNode) -> st.SearchStrategy[Any]:
    fields = {field.init_name: _field(field) for field in node.fields}
    return st.builds(node.cls, **fields)


def event_data(signal: OpenEdxPublicSignal) -> st.SearchStrategy[dict[str, Any]]:
    """Valid keyword arguments for ``signal.send_event``."""
    return st.fixed_dictionaries(
        {field.name: node_strategy(field.node) for field in signal_record_fields(signal.init_data)}
    )
