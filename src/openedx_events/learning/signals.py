"""The signals of the learning subdomain."""

from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.learning.data import (
    BadgeData,
    CcxCoursePassingStatusData,
    CertificateData,
    CohortData,
    CourseAccessRoleData,
    CourseDiscussionConfigurationData,
    CourseEnrollmentData,
    CourseNotificationData,
    CoursePassingStatusData,
    DiscussionThreadData,
    ExamAttemptData,
    ExternalGraderScoreData,
    LtiProviderLaunchData,
    ORASubmissionData,
    PersistentCourseGradeData,
    ProgramCertificateData,
    UserData,
    UserNotificationData,
    VerificationAttemptData,
    XBlockSkillVerificationData,
)

__all__ = [
    "BADGE_AWARDED",
    "BADGE_REVOKED",
    "CCX_COURSE_PASSING_STATUS_UPDATED",
    "CERTIFICATE_CHANGED",
    "CERTIFICATE_CREATED",
    "CERTIFICATE_REVOKED",
    "COHORT_MEMBERSHIP_CHANGED",
    "COURSE_ACCESS_ROLE_ADDED",
    "COURSE_ACCESS_ROLE_REMOVED",
    "COURSE_DISCUSSIONS_CHANGED",
    "COURSE_ENROLLMENT_CHANGED",
    "COURSE_ENROLLMENT_CREATED",
    "COURSE_NOTIFICATION_REQUESTED",
    "COURSE_PASSING_STATUS_UPDATED",
    "COURSE_UNENROLLMENT_COMPLETED",
    "EXAM_ATTEMPT_ERRORED",
    "EXAM_ATTEMPT_REJECTED",
    "EXAM_ATTEMPT_RESET",
    "EXAM_ATTEMPT_SUBMITTED",
    "EXAM_ATTEMPT_VERIFIED",
    "EXTERNAL_GRADER_SCORE_SUBMITTED",
    "FORUM_RESPONSE_COMMENT_CREATED",
    "FORUM_THREAD_CREATED",
    "FORUM_THREAD_RESPONSE_CREATED",
    "IDV_ATTEMPT_APPROVED",
    "IDV_ATTEMPT_CREATED",
    "IDV_ATTEMPT_DENIED",
    "IDV_ATTEMPT_PENDING",
    "LTI_PROVIDER_LAUNCH_SUCCESS",
    "ORA_SUBMISSION_CREATED",
    "PERSISTENT_GRADE_SUMMARY_CHANGED",
    "PROGRAM_CERTIFICATE_AWARDED",
    "PROGRAM_CERTIFICATE_REVOKED",
    "SESSION_LOGIN_COMPLETED",
    "STUDENT_REGISTRATION_COMPLETED",
    "USER_NOTIFICATION_REQUESTED",
    "XBLOCK_SKILL_VERIFIED",
]


STUDENT_REGISTRATION_COMPLETED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.student.registration.completed.v1",
    data={"user": UserData},
    signal_name="STUDENT_REGISTRATION_COMPLETED",
    event_key_field="user.pii.username",
    description="Emitted when a user completes registration in Open edX.",
)

SESSION_LOGIN_COMPLETED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.auth.session.login.completed.v1",
    data={"user": UserData},
    signal_name="SESSION_LOGIN_COMPLETED",
    event_key_field="user.pii.username",
    description="Emitted when a user logs in to Open edX.",
)

COURSE_ENROLLMENT_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.course.enrollment.created.v1",
    data={"enrollment": CourseEnrollmentData},
    signal_name="COURSE_ENROLLMENT_CREATED",
    event_key_field="enrollment.course.course_key",
    description="Emitted when the user enrolls in a course.",
)

COURSE_ENROLLMENT_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.course.enrollment.changed.v1",
    data={"enrollment": CourseEnrollmentData},
    signal_name="COURSE_ENROLLMENT_CHANGED",
    event_key_field="enrollment.course.course_key",
    description="Emitted when the enrollment for a user in a course changes.",
)

COURSE_UNENROLLMENT_COMPLETED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.course.unenrollment.completed.v1",
    data={"enrollment": CourseEnrollmentData},
    signal_name="COURSE_UNENROLLMENT_COMPLETED",
    event_key_field="enrollment.course.course_key",
    description="Emitted when the user unenrolls from a course.",
)

CERTIFICATE_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.certificate.created.v1",
    data={"certificate": CertificateData},
    signal_name="CERTIFICATE_CREATED",
    event_key_field="certificate.course.course_key",
    description="Emitted when a certificate is created for a user.",
)

PROGRAM_CERTIFICATE_AWARDED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.program.certificate.awarded.v1",
    data={"program_certificate": ProgramCertificateData},
    signal_name="PROGRAM_CERTIFICATE_AWARDED",
    event_key_field="program_certificate.program.uuid",
    description="Emitted when a program certificate is awarded to a learner.",
)

CERTIFICATE_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.certificate.changed.v1",
    data={"certificate": CertificateData},
    signal_name="CERTIFICATE_CHANGED",
    description="Emitted when the user’s certificate changes.",
)

CERTIFICATE_REVOKED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.certificate.revoked.v1",
    data={"certificate": CertificateData},
    signal_name="CERTIFICATE_REVOKED",
    event_key_field="certificate.course.course_key",
    description="Emitted when a certificate is revoked from a user.",
)

PROGRAM_CERTIFICATE_REVOKED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.program.certificate.revoked.v1",
    data={"program_certificate": ProgramCertificateData},
    signal_name="PROGRAM_CERTIFICATE_REVOKED",
    event_key_field="program_certificate.program.uuid",
    description="Emit when a program certificate is revoked from a learner.",
)

COHORT_MEMBERSHIP_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.cohort_membership.changed.v1",
    data={"cohort": CohortData},
    signal_name="COHORT_MEMBERSHIP_CHANGED",
    description="Emitted when a user’s cohort membership changes.",
)

COURSE_DISCUSSIONS_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.discussions.configuration.changed.v1",
    data={"configuration": CourseDiscussionConfigurationData},
    signal_name="COURSE_DISCUSSIONS_CHANGED",
    description="Emitted when the configuration for a course’s discussions changes in the course.",
    warnings=(
        "This event is currently incompatible with the event bus, list with complex types like ``List[DiscussionTopicContext]`` cannot be serialized yet.",
    ),
)

PERSISTENT_GRADE_SUMMARY_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.course.persistent_grade_summary.changed.v1",
    data={"grade": PersistentCourseGradeData},
    signal_name="PERSISTENT_GRADE_SUMMARY_CHANGED",
    description="Emitted when a course’s persistent grade summary changes for a user.",
    # The catalog page spells this type "org.openedx.learning.course.persistent_grade.summary.v1";
    # the wire type is the one the reference implementation sends.
    aliases=("org.openedx.learning.course.persistent_grade.summary.v1",),
)

XBLOCK_SKILL_VERIFIED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.xblock.skill.verified.v1",
    data={"xblock_info": XBlockSkillVerificationData},
    signal_name="XBLOCK_SKILL_VERIFIED",
    event_key_field="xblock_info.usage_key",
    description="Emitted when an XBlock skill is verified.",
)

USER_NOTIFICATION_REQUESTED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.user.notification.requested.v1",
    data={"notification_data": UserNotificationData},
    signal_name="USER_NOTIFICATION_REQUESTED",
    description="Can be emitted from apps to send user notifications.",
    warnings=(
        "This event is currently incompatible with the event bus, list without annotations are not serializable.",
    ),
)

EXAM_ATTEMPT_SUBMITTED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.exam.attempt.submitted.v1",
    data={"exam_attempt": ExamAttemptData},
    signal_name="EXAM_ATTEMPT_SUBMITTED",
    description="Emitted when an exam attempt is submitted by a learner in edx-exams.",
)

EXAM_ATTEMPT_REJECTED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.exam.attempt.rejected.v1",
    data={"exam_attempt": ExamAttemptData},
    signal_name="EXAM_ATTEMPT_REJECTED",
    description="Emitted when an exam attempt is marked rejected in edx-exams.",
)

EXAM_ATTEMPT_VERIFIED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.exam.attempt.verified.v1",
    data={"exam_attempt": ExamAttemptData},
    signal_name="EXAM_ATTEMPT_VERIFIED",
    description="Emitted when an exam attempt is marked verified in edx-exams.",
)

EXAM_ATTEMPT_ERRORED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.exam.attempt.errored.v1",
    data={"exam_attempt": ExamAttemptData},
    signal_name="EXAM_ATTEMPT_ERRORED",
    description="Emitted when a learner’s exam attempt errors out in edx-exams.",
)

EXAM_ATTEMPT_RESET = OpenEdxPublicSignal(
    event_type="org.openedx.learning.exam.attempt.reset.v1",
    data={"exam_attempt": ExamAttemptData},
    signal_name="EXAM_ATTEMPT_RESET",
    description="Emitted when an exam attempt is reset in edx-exams.",
)

COURSE_ACCESS_ROLE_ADDED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.user.course_access_role.added.v1",
    data={"course_access_role_data": CourseAccessRoleData},
    signal_name="COURSE_ACCESS_ROLE_ADDED",
    event_key_field="course_access_role_data.course_key",
    description="Emitted when a user is given a course access role.",
)

COURSE_ACCESS_ROLE_REMOVED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.user.course_access_role.removed.v1",
    data={"course_access_role_data": CourseAccessRoleData},
    signal_name="COURSE_ACCESS_ROLE_REMOVED",
    event_key_field="course_access_role_data.course_key",
    description="Emitted when a course access role is removed from a user.",
)

FORUM_THREAD_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.forum.thread.created.v1",
    data={"thread": DiscussionThreadData},
    signal_name="FORUM_THREAD_CREATED",
    description="Emitted when a new thread is created in a discussion.",
    warnings=(
        "This event is currently incompatible with the event bus, dict without annotations are not serializable.",
    ),
)

FORUM_THREAD_RESPONSE_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.forum.thread.response.created.v1",
    data={"thread": DiscussionThreadData},
    signal_name="FORUM_THREAD_RESPONSE_CREATED",
    description="Emitted when a new response is added to a thread.",
    warnings=(
        "This event is currently incompatible with the event bus, dict without annotations are not serializable.",
    ),
)

FORUM_RESPONSE_COMMENT_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.forum.thread.response.comment.created.v1",
    data={"thread": DiscussionThreadData},
    signal_name="FORUM_RESPONSE_COMMENT_CREATED",
    description="Emitted when a new comment is added to a response.",
    warnings=(
        "This event is currently incompatible with the event bus, dict without annotations are not serializable.",
    ),
)

COURSE_NOTIFICATION_REQUESTED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.course.notification.requested.v1",
    data={"course_notification_data": CourseNotificationData},
    signal_name="COURSE_NOTIFICATION_REQUESTED",
    description="Emitted when a notification is requested for a course.",
    warnings=(
        "This event is currently incompatible with the event bus, dict without annotations are not serializable.",
    ),
)

ORA_SUBMISSION_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.ora.submission.created.v1",
    data={"submission": ORASubmissionData},
    signal_name="ORA_SUBMISSION_CREATED",
    description="Emitted when a user submits an ORA assignment.",
    warnings=(
        "This event is currently incompatible with the event bus, list[dict] cannot be serialized yet.",
    ),
)

COURSE_PASSING_STATUS_UPDATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.course.passing.status.updated.v1",
    data={"course_passing_status": CoursePassingStatusData},
    signal_name="COURSE_PASSING_STATUS_UPDATED",
    description="Emitted when course grade updates.",
)

CCX_COURSE_PASSING_STATUS_UPDATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.ccx.course.passing.status.updated.v1",
    data={"course_passing_status": CcxCoursePassingStatusData},
    signal_name="CCX_COURSE_PASSING_STATUS_UPDATED",
    description="Emitted when a CCX course grade updates.",
)

BADGE_AWARDED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.badge.awarded.v1",
    data={"badge": BadgeData},
    signal_name="BADGE_AWARDED",
    description="Emit when a badge is awarded to a learner.",
)

BADGE_REVOKED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.badge.revoked.v1",
    data={"badge": BadgeData},
    signal_name="BADGE_REVOKED",
    description="Emit when a badge is revoked for a learner,",
)

IDV_ATTEMPT_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.idv_attempt.created.v1",
    data={"idv_attempt": VerificationAttemptData},
    signal_name="IDV_ATTEMPT_CREATED",
    description="Emitted when an IDV attempt is created.",
)

IDV_ATTEMPT_PENDING = OpenEdxPublicSignal(
    event_type="org.openedx.learning.idv_attempt.pending.v1",
    data={"idv_attempt": VerificationAttemptData},
    signal_name="IDV_ATTEMPT_PENDING",
    description="Emitted when an IDV attempt is marked as pending.",
)

IDV_ATTEMPT_APPROVED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.idv_attempt.approved.v1",
    data={"idv_attempt": VerificationAttemptData},
    signal_name="IDV_ATTEMPT_APPROVED",
    description="Emitted when an IDV attempt is approved.",
)

IDV_ATTEMPT_DENIED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.idv_attempt.denied.v1",
    data={"idv_attempt": VerificationAttemptData},
    signal_name="IDV_ATTEMPT_DENIED",
    description="Emitted when an IDV attempt is denied.",
)

# ---- events of the reference implementation that the catalog page does not list ----------

EXTERNAL_GRADER_SCORE_SUBMITTED = OpenEdxPublicSignal(
    event_type="org.openedx.learning.external_grader.score.submitted.v1",
    data={"score": ExternalGraderScoreData},
    signal_name="EXTERNAL_GRADER_SCORE_SUBMITTED",
    description="Sent when an external grader, such as one behind XQueue, returns the score of a learner's submission.",
)

LTI_PROVIDER_LAUNCH_SUCCESS = OpenEdxPublicSignal(
    event_type="org.openedx.learning.lti_provider.launch.success.v1",
    data={"launch_data": LtiProviderLaunchData},
    signal_name="LTI_PROVIDER_LAUNCH_SUCCESS",
    description="Sent when a learner opens course content through a successful LTI launch, Open edX acting as the LTI provider.",
)
