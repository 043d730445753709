"""Data classes of the enterprise events."""

from datetime import datetime
from uuid import UUID

import attrs
from opaque_keys.edx.keys import CourseKey

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


@attrs.frozen
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


@attrs.frozen
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


@attrs.frozen
class BaseEnterpriseFulfillment:
    """The fields every enterprise fulfillment shares."""

    uuid: UUID
    created: datetime
    modified: datetime
    fulfillment_type: str
    is_revoked: bool
    enterprise_course_entitlement_uuid: UUID | None = None
    enterprise_course_enrollment: EnterpriseCourseEnrollment | None = None


@attrs.frozen
class BaseLedgerTransaction:
    """The fields every subsidy ledger transaction shares."""

    uuid: UUID
    created: datetime
    modified: datetime
    idempotency_key: str
    quantity: int
    state: str


@attrs.frozen
class LearnerCreditEnterpriseCourseEnrollment(BaseEnterpriseFulfillment):
    """A course enrollment paid for with enterprise learner credit."""

    transaction_id: UUID | None = None


@attrs.frozen
class LicensedEnterpriseCourseEnrollment(BaseEnterpriseFulfillment):
    """A course enrollment granted through an enterprise subscription license."""

    license_uuid: UUID | None = None


@attrs.frozen
class LedgerTransactionReversal(BaseLedgerTransaction):
    """The reversal of a subsidy ledger transaction."""


@attrs.frozen
class LedgerTransaction(BaseLedgerTransaction):
    """A transaction on a subsidy ledger."""

    ledger_uuid: UUID
    subsidy_access_policy_uuid: UUID
    lms_user_id: int
    content_key: CourseKey
    parent_content_key: str | None = None
    fulfillment_identifier: str | None = None
    reversal: LedgerTransactionReversal | None = None


@attrs.frozen
class SubsidyRedemption:
    """A redemption of an enterprise subsidy for some content."""

    subsidy_identifier: str
    content_key: str
    lms_user_id: int


@attrs.frozen
class EnterpriseGroup:
    """A group of learners within an enterprise customer, named by its UUID."""

    uuid: UUID
