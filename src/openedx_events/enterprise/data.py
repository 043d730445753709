"""Data classes of the enterprise events."""

from datetime import datetime
from uuid import UUID

import attrs
from opaque_keys.edx.keys import CourseKey

from openedx_events._private.fields import reference_field_types

__all__ = [
    "BaseEnterpriseFulfillment",
    "BaseLedgerTransaction",
    "EnterpriseCourseEnrollment",
    "EnterpriseCustomerUser",
    "EnterpriseGroup",
    "LearnerCreditEnterpriseCourseEnrollment",
    "LedgerTransaction",
    "LedgerTransactionReversal",
    "SubsidyRedemption",
]


@attrs.frozen(field_transformer=reference_field_types)
class EnterpriseCustomerUser:
    """The link between a learner and an enterprise customer."""

    id: int
    created: datetime
    modified: datetime
    enterprise_customer_uuid: UUID
    user_id: int
    active: bool
    linked: bool
    is_relinkable: bool
    should_inactivate_other_customers: bool
    invite_key: UUID | None = None


@attrs.frozen(field_transformer=reference_field_types)
class EnterpriseCourseEnrollment:
    """A course enrollment made through an enterprise customer."""

    id: int
    created: datetime
    modified: datetime
    enterprise_customer_user: EnterpriseCustomerUser
    course_id: CourseKey
    saved_for_later: bool
    source_slug: str | None = None
    unenrolled: bool | None = None
    unenrolled_at: datetime | None = None


@attrs.frozen(field_transformer=reference_field_types)
class BaseEnterpriseFulfillment:
    """The fields every enterprise fulfillment shares."""

    uuid: UUID
    created: datetime
    modified: datetime
    fulfillment_type: str
    is_revoked: bool
    enterprise_course_entitlement_uuid: UUID | None = None
    enterprise_course_enrollment: EnterpriseCourseEnrollment | None = None


@attrs.frozen(field_transformer=reference_field_types)
class BaseLedgerTransaction:
    """The fields every subsidy ledger transaction shares."""

    uuid: UUID
    created: datetime
    modified: datetime
    idempotency_key: str
    quantity: int
    state: str


@attrs.frozen(field_transformer=reference_field_types)
class LearnerCreditEnterpriseCourseEnrollment(BaseEnterpriseFulfillment):
    """A course enrollment paid for with enterprise learner credit."""

    transaction_id: UUID | None = None


@attrs.frozen(field_transformer=reference_field_types)
class LicensedEnterpriseCourseEnrollment(BaseEnterpriseFulfillment):
    """A course enrollment granted through an enterprise subscription license."""

    license_uuid: UUID | None = None


@attrs.frozen(field_transformer=reference_field_types)
class LedgerTransactionReversal(BaseLedgerTransaction):
    """The reversal of a subsidy ledger transaction."""


@attrs.frozen(field_transformer=reference_field_types)
class LedgerTransaction(BaseLedgerTransaction):
    """A transaction on a subsidy ledger."""

    ledger_uuid: UUID
    subsidy_access_policy_uuid: UUID
    lms_user_id: int
    content_key: CourseKey
    parent_content_key: str | None = None
    fulfillment_identifier: str | None = None
    reversal: LedgerTransactionReversal | None = None


@attrs.frozen(field_transformer=reference_field_types)
class SubsidyRedemption:
    """A redemption of an enterprise subsidy for some content."""

    subsidy_identifier: str
    content_key: str
    lms_user_id: int


@attrs.frozen(field_transformer=reference_field_types)
class EnterpriseGroup:
    """A group of learners within an enterprise customer, named by its UUID."""

    uuid: UUID
