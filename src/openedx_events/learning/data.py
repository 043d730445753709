"""Data classes of the learning events."""

from datetime import datetime
from typing import List

import attrs
from ccx_keys.locator import CCXLocator
from opaque_keys.edx.keys import CourseKey, UsageKey

from openedx_events._private.fields import reference_field_types

__all__ = [
    "BadgeData",
    "BadgeTemplateData",
    "CcxCourseData",
    "CcxCoursePassingStatusData",
    "CertificateData",
    "CohortData",
    "CourseAccessRoleData",
    "CourseData",
    "CourseDiscussionConfigurationData",
    "CourseEnrollmentData",
    "CourseNotificationData",
    "CoursePassingStatusData",
    "DiscussionThreadData",
    "DiscussionTopicContext",
    "ExamAttemptData",
    "ExternalGraderScoreData",
    "LtiProviderLaunchData",
    "LtiProviderLaunchParamsData",
    "ORASubmissionAnswer",
    "ORASubmissionData",
    "PersistentCourseGradeData",
    "ProgramCertificateData",
    "ProgramData",
    "UserData",
    "UserNonPersonalData",
    "UserNotificationData",
    "UserPersonalData",
    "VerificationAttemptData",
    "XBlockSkillVerificationData",
]


@attrs.frozen(field_transformer=reference_field_types)
class UserNonPersonalData:
    """The parts of a user that are not personal information."""

    id: int
    is_active: bool


@attrs.frozen(field_transformer=reference_field_types)
class UserPersonalData:
    """The personal information of a user."""

    username: str
    email: str
    name: str = ""


@attrs.frozen(field_transformer=reference_field_types)
class UserData(UserNonPersonalData):
    """A user, with their personal information."""

    pii: UserPersonalData


@attrs.frozen(field_transformer=reference_field_types)
class BadgeTemplateData:
    """The template a badge is issued from."""

    uuid: str
    origin: str
    name: str | None = None
    description: str | None = None
    image_url: str | None = None


@attrs.frozen(field_transformer=reference_field_types)
class BadgeData:
    """A badge awarded to a user."""

    uuid: str
    user: UserData
    template: BadgeTemplateData


@attrs.frozen(field_transformer=reference_field_types)
class CcxCourseData:
    """A custom course (CCX) built on a master course."""

    ccx_course_key: CCXLocator
    master_course_key: CourseKey
    display_name: str = ""
    coach_email: str = ""
    start: str | None = None
    end: str | None = None
    max_students_allowed: int | None = None


@attrs.frozen(field_transformer=reference_field_types)
class CourseData:
    """A course run as the LMS sees it."""

    course_key: CourseKey
    display_name: str = ""
    start: datetime | None = None
    end: datetime | None = None


@attrs.frozen(field_transformer=reference_field_types)
class CoursePassingStatusData:
    """Whether a user passes a course."""

    is_passing: bool
    course: CourseData
    user: UserData


@attrs.frozen(field_transformer=reference_field_types)
class CcxCoursePassingStatusData(CoursePassingStatusData):
    """Whether a user passes a custom course (CCX)."""

    # A CCX narrows the course to its own data; attrs moves the field after the inherited ones.
    course: CcxCourseData  # type: ignore[assignment]


@attrs.frozen(field_transformer=reference_field_types)
class CertificateData:
    """A course certificate of a user."""

    user: UserData
    course: CourseData
    mode: str
    grade: str
    download_url: str
    name: str
    current_status: str
    previous_status: str = ""


@attrs.frozen(field_transformer=reference_field_types)
class CohortData:
    """A user in a course cohort."""

    user: UserData
    course: CourseData
    name: str


@attrs.frozen(field_transformer=reference_field_types)
class CourseAccessRoleData:
    """A course access role (staff, instructor, ...) of a user."""

    user: UserData
    org_key: str
    course_key: CourseKey
    role: str


@attrs.frozen(field_transformer=reference_field_types)
class DiscussionTopicContext:
    """A discussion topic of a course and where it lives."""

    title: str
    usage_key: UsageKey | None = None
    group_id: int | None = None
    external_id: str | None = None
    ordering: int | None = None
    context: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen(field_transformer=reference_field_types)
class CourseDiscussionConfigurationData:
    """The discussion settings of a course."""

    course_key: CourseKey
    provider_type: str
    enabled: bool = True
    enable_in_context: bool = True
    enable_graded_units: bool = False
    unit_level_visibility: bool = False
    plugin_configuration: dict[str, bool] = attrs.field(factory=dict)
    contexts: List[DiscussionTopicContext] = attrs.field(factory=list)


@attrs.frozen(field_transformer=reference_field_types)
class CourseEnrollmentData:
    """A user enrolled in a course run."""

    user: UserData
    course: CourseData
    mode: str
    is_active: bool
    creation_date: datetime
    created_by: UserData | None = None


@attrs.frozen(field_transformer=reference_field_types)
class CourseNotificationData:
    """A notification to send to the learners of a course."""

    course_key: CourseKey
    app_name: str
    notification_type: str
    content_url: str
    content_context: dict[str, str] = attrs.field(factory=dict)
    audience_filters: dict[str, List[str]] = attrs.field(factory=dict)


@attrs.frozen(field_transformer=reference_field_types)
class DiscussionThreadData:
    """A discussion forum thread, response or comment."""

    body: str
    commentable_id: str
    id: str
    truncated: bool
    url: str
    user: UserData
    course_id: CourseKey
    thread_type: str | None = None
    anonymous: bool | None = None
    anonymous_to_peers: bool | None = None
    title: str | None = None
    title_truncated: bool | None = None
    group_id: int | None = None
    team_id: int | None = None
    category_id: int | None = None
    category_name: str | None = None
    discussion: dict[str, str] | None = None
    user_course_roles: List[str] = attrs.field(factory=list)
    user_forums_roles: List[str] = attrs.field(factory=list)
    options: dict[str, bool] = attrs.field(factory=dict)


@attrs.frozen(field_transformer=reference_field_types)
class ExamAttemptData:
    """An attempt at a special (timed or proctored) exam."""

    student_user: UserData
    course_key: CourseKey
    usage_key: UsageKey
    exam_type: str
    requesting_user: UserData | None = None


@attrs.frozen(field_transformer=reference_field_types)
class ORASubmissionAnswer:
    """The answer of an open response assessment: text parts and files."""

    parts: List[dict[str, str]] = attrs.field(factory=list)
    file_keys: List[str] = attrs.field(factory=list)
    file_descriptions: List[str] = attrs.field(factory=list)
    file_names: List[str] = attrs.field(factory=list)
    file_sizes: List[int] = attrs.field(factory=list)
    file_urls: List[str] = attrs.field(factory=list)


@attrs.frozen(field_transformer=reference_field_types)
class ORASubmissionData:
    """A submission to an open response assessment."""

    uuid: str
    anonymous_user_id: str
    location: str
    attempt_number: int
    created_at: datetime
    submitted_at: datetime
    answer: ORASubmissionAnswer


@attrs.frozen(field_transformer=reference_field_types)
class PersistentCourseGradeData:
    """The persisted course grade of a user."""

    user_id: int
    course: CourseData
    course_edited_timestamp: datetime
    course_version: str
    grading_policy_hash: str
    percent_grade: float
    letter_grade: str
    passed_timestamp: datetime


@attrs.frozen(field_transformer=reference_field_types)
class ProgramData:
    """A program (a group of courses)."""

    uuid: str
    title: str
    program_type: str


@attrs.frozen(field_transformer=reference_field_types)
class ProgramCertificateData:
    """A program certificate of a user."""

    user: UserData
    program: ProgramData
    uuid: str
    status: str
    url: str
    certificate_available_date: datetime | None = None


@attrs.frozen(field_transformer=reference_field_types)
class UserNotificationData:
    """A notification to send to a list of users."""

    user_ids: List[int]
    notification_type: str
    content_url: str
    app_name: str
    course_key: CourseKey
    context: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen(field_transformer=reference_field_types)
class VerificationAttemptData:
    """An identity verification attempt of a user."""

    attempt_id: int
    user: UserData
    status: str
    name: str | None = None
    expiration_date: datetime | None = None


@attrs.frozen(field_transformer=reference_field_types)
class XBlockSkillVerificationData:
    """Skills that learners verified or rejected for an XBlock."""

    usage_key: UsageKey
    verified_skills: List[int] = attrs.field(factory=list)
    ignored_skills: List[int] = attrs.field(factory=list)


@attrs.frozen(field_transformer=reference_field_types)
class ExternalGraderScoreData:
    """A score that an external grader returned for a learner's submission to a problem."""

    points_possible: int
    points_earned: int
    course_id: str
    score_msg: str
    submission_id: int
    user_id: str
    module_id: str
    queue_key: str
    queue_name: str


@attrs.frozen(field_transformer=reference_field_types)
class LtiProviderLaunchParamsData:
    """The parameters of an LTI launch request that Open edX, as the LTI provider, received."""

    roles: str
    context_id: str
    user_id: str
    extra_params: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen(field_transformer=reference_field_types)
class LtiProviderLaunchData:
    """A learner reaching a block of a course through an LTI launch."""

    user: UserData
    course_key: CourseKey
    usage_key: UsageKey
    launch_params: LtiProviderLaunchParamsData
