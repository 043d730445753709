"""The signals of the authz subdomain.

Unlike the other subdomains' event types, these have no ``.vN`` version suffix.
"""

from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.authz.data import (
    RoleAssignmentData,
)

__all__ = [
    "ROLE_ASSIGNMENT_CREATED",
    "ROLE_ASSIGNMENT_DELETED",
]


# The reference implementation documents the key field "user.pii.username" for both events,
# though their data has no "user". It is kept as documented; the path leads to no value, so the
# commands send these events without a message key.
ROLE_ASSIGNMENT_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.authz.role_assignment.created",
    data={"role_assignment": RoleAssignmentData},
    signal_name="ROLE_ASSIGNMENT_CREATED",
    event_key_field="user.pii.username",
    description="Sent after the authorization framework gives a subject a role within a scope.",
)

ROLE_ASSIGNMENT_DELETED = OpenEdxPublicSignal(
    event_type="org.openedx.authz.role_assignment.deleted",
    data={"role_assignment": RoleAssignmentData},
    signal_name="ROLE_ASSIGNMENT_DELETED",
    event_key_field="user.pii.username",
    description="Sent after the authorization framework takes a role within a scope away from a subject.",
)
