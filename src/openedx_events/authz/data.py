"""Data classes of the authz events."""

import attrs

from openedx_events._private.fields import reference_field_types

__all__ = [
    "RoleAssignmentData",
]


@attrs.frozen(field_transformer=reference_field_types)
class RoleAssignmentData:
    """A role held by a subject (such as a user) within a scope (such as a library).

    ``actor_id`` is the id of the user who made the change, when one did.
    """

    operation: str
    subject: str
    role: str
    scope: str
    actor_id: int | None = None
