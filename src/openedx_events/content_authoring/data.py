"""Data classes of the content_authoring events."""

from datetime import datetime
from typing import BinaryIO, List

import attrs
from opaque_keys.edx.keys import CourseKey, UsageKey
from opaque_keys.edx.locator import (
    LibraryCollectionLocator,
    LibraryContainerLocator,
    LibraryLocatorV2,
    LibraryUsageLocatorV2,
)

from openedx_events._private.fields import reference_field_types

__all__ = [
    "CertificateConfigData",
    "CertificateSignatoryData",
    "ContentLibraryData",
    "ContentObjectChangedData",
    "ContentObjectData",
    "CourseCatalogData",
    "CourseData",
    "CourseScheduleData",
    "DuplicatedXBlockData",
    "LibraryBlockData",
    "LibraryCollectionData",
    "LibraryContainerData",
    "XBlockData",
]


@attrs.frozen(field_transformer=reference_field_types)
class CertificateSignatoryData:
    """A person who signs a course certificate, with the signature image."""

    image: BinaryIO
    name: str
    organization: str
    title: str


@attrs.frozen(field_transformer=reference_field_types)
class CertificateConfigData:
    """A course certificate configuration as set up in Studio."""

    certificate_type: str
    course_key: CourseKey
    title: str
    signatories: List[CertificateSignatoryData] = attrs.field(factory=list)
    is_active: bool = False


@attrs.frozen(field_transformer=reference_field_types)
class ContentLibraryData:
    """A content library (v2)."""

    library_key: LibraryLocatorV2
    update_blocks: bool = False


@attrs.frozen(field_transformer=reference_field_types)
class ContentObjectData:
    """Any content object, named by its id (a usage key, a collection key, ...)."""

    object_id: str


@attrs.frozen(field_transformer=reference_field_types)
class ContentObjectChangedData(ContentObjectData):
    """A content object together with what changed on it (tags, collections, ...)."""

    changes: List[str] = attrs.field(factory=list)


@attrs.frozen(field_transformer=reference_field_types)
class CourseScheduleData:
    """The dates and pacing of a course run."""

    start: datetime
    pacing: str
    end: datetime | None = None
    enrollment_start: datetime | None = None
    enrollment_end: datetime | None = None


@attrs.frozen(field_transformer=reference_field_types)
class CourseCatalogData:
    """What catalog consumers need to know about a course run."""

    course_key: CourseKey
    name: str
    schedule_data: CourseScheduleData
    hidden: bool = False
    invitation_only: bool = False


@attrs.frozen(field_transformer=reference_field_types)
class CourseData:
    """A course run, named by its key."""

    course_key: CourseKey


@attrs.frozen(field_transformer=reference_field_types)
class XBlockData:
    """An XBlock in a course."""

    usage_key: UsageKey
    block_type: str
    version: UsageKey | None = attrs.field(default=None, kw_only=True)


@attrs.frozen(field_transformer=reference_field_types)
class DuplicatedXBlockData(XBlockData):
    """An XBlock copied from another one."""

    source_usage_key: UsageKey


@attrs.frozen(field_transformer=reference_field_types)
class LibraryBlockData:
    """A block in a content library (v2)."""

    library_key: LibraryLocatorV2
    usage_key: LibraryUsageLocatorV2


@attrs.frozen(field_transformer=reference_field_types)
class LibraryCollectionData:
    """A collection in a content library (v2)."""

    collection_key: LibraryCollectionLocator
    background: bool = False


@attrs.frozen(field_transformer=reference_field_types)
class LibraryContainerData:
    """A container (such as a unit) in a content library (v2)."""

    container_key: LibraryContainerLocator
    background: bool = False
