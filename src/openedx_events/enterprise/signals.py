"""The signals of the enterprise subdomain."""

from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.enterprise.data import (
    EnterpriseGroup,
    LearnerCreditEnterpriseCourseEnrollment,
    LedgerTransaction,
    SubsidyRedemption,
)

__all__ = [
    "ENTERPRISE_GROUP_DELETED",
    "LEARNER_CREDIT_COURSE_ENROLLMENT_REVOKED",
    "LEDGER_TRANSACTION_COMMITTED",
    "LEDGER_TRANSACTION_CREATED",
    "LEDGER_TRANSACTION_FAILED",
    "LEDGER_TRANSACTION_REVERSED",
    "SUBSIDY_REDEEMED",
    "SUBSIDY_REDEMPTION_REVERSED",
]


SUBSIDY_REDEEMED = OpenEdxPublicSignal(
    event_type="org.openedx.enterprise.subsidy.redeemed.v1",
    data={"redemption": SubsidyRedemption},
    signal_name="SUBSIDY_REDEEMED",
    description="emitted when an enterprise subsidy is utilized.",
    warnings=(
        "This event is not being currently used in any of the Open edX services. Review https://github.com/openedx/openedx-events/issues/445 for more information about the future of this event.",
    ),
)

SUBSIDY_REDEMPTION_REVERSED = OpenEdxPublicSignal(
    event_type="org.openedx.enterprise.subsidy.redemption-reversed.v1",
    data={"redemption": SubsidyRedemption},
    signal_name="SUBSIDY_REDEMPTION_REVERSED",
    description="emitted when an enterprise subsidy is reversed.",
    warnings=(
        "This event is not being currently used in any of the Open edX services. Review https://github.com/openedx/openedx-events/issues/445 for more information about the future of this event.",
    ),
)

LEDGER_TRANSACTION_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.enterprise.subsidy_ledger_transaction.created.v1",
    data={"ledger_transaction": LedgerTransaction},
    signal_name="LEDGER_TRANSACTION_CREATED",
    description="emitted when an enterprise ledger transaction is created. See: https://github.com/openedx/openedx-ledger/tree/main/docs/decisions",
)

LEDGER_TRANSACTION_COMMITTED = OpenEdxPublicSignal(
    event_type="org.openedx.enterprise.subsidy_ledger_transaction.committed.v1",
    data={"ledger_transaction": LedgerTransaction},
    signal_name="LEDGER_TRANSACTION_COMMITTED",
    description="emitted when an enterprise ledger transaction is committed. See: https://github.com/openedx/openedx-ledger/tree/main/docs/decisions",
)

LEDGER_TRANSACTION_FAILED = OpenEdxPublicSignal(
    event_type="org.openedx.enterprise.subsidy_ledger_transaction.failed.v1",
    data={"ledger_transaction": LedgerTransaction},
    signal_name="LEDGER_TRANSACTION_FAILED",
    description="emitted when an enterprise ledger transaction fails. See: https://github.com/openedx/openedx-ledger/tree/main/docs/decisions",
)

LEDGER_TRANSACTION_REVERSED = OpenEdxPublicSignal(
    event_type="org.openedx.enterprise.subsidy_ledger_transaction.reversed.v1",
    data={"ledger_transaction": LedgerTransaction},
    signal_name="LEDGER_TRANSACTION_REVERSED",
    description="emitted when an enterprise ledger transaction is reversed. See: https://github.com/openedx/openedx-ledger/tree/main/docs/decisions",
)

LEARNER_CREDIT_COURSE_ENROLLMENT_REVOKED = OpenEdxPublicSignal(
    event_type="org.openedx.enterprise.learner_credit_course_enrollment.revoked.v1",
    data={"learner_credit_course_enrollment": LearnerCreditEnterpriseCourseEnrollment},
    signal_name="LEARNER_CREDIT_COURSE_ENROLLMENT_REVOKED",
    description="emitted when a LearnerCreditEnterpriseCourseEnrollment is revoked. This most often happens when an enterprise learner unenrolls from a course which was LC-subsidized.",
)

# ---- events of the reference implementation that the catalog page does not list ----------

ENTERPRISE_GROUP_DELETED = OpenEdxPublicSignal(
    event_type="org.openedx.enterprise.enterprise_group.deleted.v1",
    data={"enterprise_group": EnterpriseGroup},
    signal_name="ENTERPRISE_GROUP_DELETED",
    description="Sent when a group of learners of an enterprise customer is deleted.",
)
