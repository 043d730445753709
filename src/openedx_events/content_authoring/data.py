"""Data classes of the content_authoring events."""

from datetime import datetime
from typing import BinaryIO

import attrs
from opaque_keys.edx.keys import CourseKey, UsageKey
from opaque_keys.edx.locator import (
    LibraryCollectionLocator,
    LibraryContainerLocator,
    LibraryLocatorV2,
    LibraryUsageLocatorV2,
)

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


@attrs.frozen
class CertificateSignatoryData:
    """A person who signs a course certificate, with the signature image."""

    image: BinaryIO
    name: str
    organization: str
    title: str


@attrs.frozen
class CertificateConfigData:
    """A course certificate configuration as set up in Studio."""

    certificate_type: str
    course_key: CourseKey
    title: str
    signatories: list[CertificateSignatoryData] = attrs.field(factory=list)
    is_active: bool = False


@attrs.frozen
class ContentLibraryData:
    """A content library (v2)."""

    library_key: LibraryLocatorV2
    update_blocks: bool = False


@attrs.frozen
class ContentObjectData:
    """Any content object, named by its id (a usage key, a collection key, ...)."""

    object_id: str


@attrs.frozen
class ContentObjectChangedData(ContentObjectData):
    """A content object together with what changed on it (tags, collections, ...)."""

    changes: list[str] = attrs.field(factory=list)


@attrs.frozen
class CourseScheduleData:
    """The dates and pacing of a course run."""

    start: datetime
    pacing: str
    end: datetime | None = None
    enrollment_start: datetime | None = None
    enrollment_end: datetime | None = None


@attrs.frozen
class CourseCatalogData:
    """What catalog consumers need to know about a course run."""

    course_key: CourseKey
    name: str
    schedule_data: CourseScheduleData
    hidden: bool = False
    invitation_only: bool = False


@attrs.frozen
class CourseData:
    """A course run, named by its key."""

    course_key: CourseKey


@attrs.frozen
class XBlockData:
    """An XBlock in a course."""

    usage_key: UsageKey
    block_type: str
    version: UsageKey | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class DuplicatedXBlockData(XBlockData):
    """An XBlock copied from another one."""

    source_usage_key: UsageKey


@attrs.frozen
class LibraryBlockData:
    """A block in a content library (v2)."""

    library_key: LibraryLocatorV2
    usage_key: LibraryUsageLocatorV2


@attrs.frozen
class LibraryCollectionData:
    """A collection in a content library (v2)."""

    collection_key: LibraryCollectionLocator
    background: bool = False


@attrs.frozen
class LibraryContainerData:
    """A container (such as a unit) in a content library (v2)."""

    container_key: LibraryContainerLocator
    background: bool = False
