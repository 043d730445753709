"""The source of a plugin that defines two events: one for the bus, one that cannot go on it."""

PLUGIN_SOURCE = '''
"""Signals of a plugin installed beside the platform."""

from typing import Any

import attrs

from openedx_events.tooling import OpenEdxPublicSignal


@attrs.frozen
class BadgeData:
    """A badge a learner earned."""

    slug: str
    points: int = 0


@attrs.frozen
class OpaqueData:
    """Data holding an object that has no Avro form."""

    handle: Any


BADGE_AWARDED = OpenEdxPublicSignal(
    event_type="org.openedx.plugin_badges.badge.awarded.v1",
    data={"badge": BadgeData},
    signal_name="BADGE_AWARDED",
    event_key_field="badge.slug",
    description="Sent when a learner earns a badge.",
)

HANDLE_OPENED = OpenEdxPublicSignal(
    event_type="org.openedx.plugin_badges.handle.opened.v1",
    data={"opaque": OpaqueData},
    signal_name="HANDLE_OPENED",
    description="Sent when a handle opens; it never leaves the process.",
)
'''
