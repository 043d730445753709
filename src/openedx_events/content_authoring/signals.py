"""The signals of the content authoring subdomain."""

from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.content_authoring.data import (
    CertificateConfigData,
    ContentLibraryData,
    ContentObjectChangedData,
    ContentObjectData,
    CourseCatalogData,
    CourseData,
    DuplicatedXBlockData,
    LibraryBlockData,
    LibraryCollectionData,
    LibraryContainerData,
    XBlockData,
)

__all__ = [
    "CONTENT_LIBRARY_CREATED",
    "CONTENT_LIBRARY_DELETED",
    "CONTENT_LIBRARY_UPDATED",
    "CONTENT_OBJECT_ASSOCIATIONS_CHANGED",
    "CONTENT_OBJECT_TAGS_CHANGED",
    "COURSE_CATALOG_INFO_CHANGED",
    "COURSE_CERTIFICATE_CONFIG_CHANGED",
    "COURSE_CERTIFICATE_CONFIG_DELETED",
    "COURSE_CREATED",
    "COURSE_IMPORT_COMPLETED",
    "COURSE_RERUN_COMPLETED",
    "LIBRARY_BLOCK_CREATED",
    "LIBRARY_BLOCK_DELETED",
    "LIBRARY_BLOCK_PUBLISHED",
    "LIBRARY_BLOCK_UPDATED",
    "LIBRARY_COLLECTION_CREATED",
    "LIBRARY_COLLECTION_DELETED",
    "LIBRARY_COLLECTION_UPDATED",
    "LIBRARY_CONTAINER_CREATED",
    "LIBRARY_CONTAINER_DELETED",
    "LIBRARY_CONTAINER_PUBLISHED",
    "LIBRARY_CONTAINER_UPDATED",
    "XBLOCK_CREATED",
    "XBLOCK_DELETED",
    "XBLOCK_DUPLICATED",
    "XBLOCK_PUBLISHED",
    "XBLOCK_UPDATED",
]


COURSE_CATALOG_INFO_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.course.catalog_info.changed.v1",
    data={"catalog_info": CourseCatalogData},
    signal_name="COURSE_CATALOG_INFO_CHANGED",
    event_key_field="catalog_info.course_key",
    description="Fired when a course changes in Studio in a way that is relevant for catalog consumers.",
)

XBLOCK_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.xblock.created.v1",
    data={"xblock_info": XBlockData},
    signal_name="XBLOCK_CREATED",
    event_key_field="xblock_info.usage_key",
    description="Fired when an XBlock is created.",
)

XBLOCK_UPDATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.xblock.updated.v1",
    data={"xblock_info": XBlockData},
    signal_name="XBLOCK_UPDATED",
    event_key_field="xblock_info.usage_key",
    description="Fired when an XBlock is updated.",
)

XBLOCK_PUBLISHED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.xblock.published.v1",
    data={"xblock_info": XBlockData},
    signal_name="XBLOCK_PUBLISHED",
    event_key_field="xblock_info.usage_key",
    description="Fired when an XBlock is published. If a parent block with changes in one or more child blocks is published, only a single XBLOCK_PUBLISHED event is fired with parent block details. For example: If a section is published with changes in multiple units, only a single event is fired with section details like : `XBlockData(usage_key=”section-usage-key”, block_type=”chapter”)`",
)

XBLOCK_DELETED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.xblock.deleted.v1",
    data={"xblock_info": XBlockData},
    signal_name="XBLOCK_DELETED",
    event_key_field="xblock_info.usage_key",
    description="Fired when an XBlock is deleted.",
)

XBLOCK_DUPLICATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.xblock.duplicated.v1",
    data={"xblock_info": DuplicatedXBlockData},
    signal_name="XBLOCK_DUPLICATED",
    event_key_field="xblock_info.usage_key",
    description="Fired when an XBlock is duplicated in Studio.",
)

COURSE_CERTIFICATE_CONFIG_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.course.certificate_config.changed.v1",
    data={"certificate_config": CertificateConfigData},
    signal_name="COURSE_CERTIFICATE_CONFIG_CHANGED",
    description="Fired when a course certificate configuration changes in Studio.",
    warnings=(
        "This event is not being currently used in any of the Open edX services. Review https://github.com/openedx/openedx-events/issues/445 for more information about the future of this event.",
    ),
)

COURSE_CERTIFICATE_CONFIG_DELETED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.course.certificate_config.deleted.v1",
    data={"certificate_config": CertificateConfigData},
    signal_name="COURSE_CERTIFICATE_CONFIG_DELETED",
    description="Fired when a course certificate configuration deletes in Studio.",
    warnings=(
        "This event is not being currently used in any of the Open edX services. Review https://github.com/openedx/openedx-events/issues/445 for more information about the future of this event.",
    ),
)

COURSE_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.course.created.v1",
    data={"course": CourseData},
    signal_name="COURSE_CREATED",
    description="Emitted when a course is created.",
)

CONTENT_LIBRARY_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.created.v1",
    data={"content_library": ContentLibraryData},
    signal_name="CONTENT_LIBRARY_CREATED",
    description="Emitted when a content library is created.",
)

CONTENT_LIBRARY_UPDATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.updated.v1",
    data={"content_library": ContentLibraryData},
    signal_name="CONTENT_LIBRARY_UPDATED",
    description="Emitted when a content library is updated.",
)

CONTENT_LIBRARY_DELETED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.deleted.v1",
    data={"content_library": ContentLibraryData},
    signal_name="CONTENT_LIBRARY_DELETED",
    description="Emitted when a content library is deleted.",
)

LIBRARY_BLOCK_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.library_block.created.v1",
    data={"library_block": LibraryBlockData},
    signal_name="LIBRARY_BLOCK_CREATED",
    description="Emitted when a library block is created.",
)

LIBRARY_BLOCK_UPDATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.library_block.updated.v1",
    data={"library_block": LibraryBlockData},
    signal_name="LIBRARY_BLOCK_UPDATED",
    description="Emitted when a library block is updated.",
)

LIBRARY_BLOCK_DELETED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.library_block.deleted.v1",
    data={"library_block": LibraryBlockData},
    signal_name="LIBRARY_BLOCK_DELETED",
    description="Emitted when a library block is deleted.",
)

CONTENT_OBJECT_ASSOCIATIONS_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content.object.associations.changed.v1",
    data={"content_object": ContentObjectChangedData},
    signal_name="CONTENT_OBJECT_ASSOCIATIONS_CHANGED",
    description="Emitted when an object’s associations are changed, e.g tags, collections.",
)

CONTENT_OBJECT_TAGS_CHANGED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content.object.tags.changed.v1",
    data={"content_object": ContentObjectData},
    signal_name="CONTENT_OBJECT_TAGS_CHANGED",
    description="Emitted when an object’s tags are changed.",
    warnings=("**DEPRECATED** please use CONTENT_OBJECT_ASSOCIATIONS_CHANGED instead.",),
)

LIBRARY_COLLECTION_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.collection.created.v1",
    data={"library_collection": LibraryCollectionData},
    signal_name="LIBRARY_COLLECTION_CREATED",
    description="Emitted when a content library collection is created.",
)

LIBRARY_COLLECTION_UPDATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.collection.updated.v1",
    data={"library_collection": LibraryCollectionData},
    signal_name="LIBRARY_COLLECTION_UPDATED",
    description="Emitted when when a content library collection is updated.",
)

LIBRARY_COLLECTION_DELETED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.collection.deleted.v1",
    data={"library_collection": LibraryCollectionData},
    signal_name="LIBRARY_COLLECTION_DELETED",
    description="Emitted when an when a content library collection is deleted.",
)

# ---- events of the reference implementation that the catalog page does not list ----------

LIBRARY_BLOCK_PUBLISHED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.library_block.published.v1",
    data={"library_block": LibraryBlockData},
    signal_name="LIBRARY_BLOCK_PUBLISHED",
    description="Sent when the draft of a library block is published, including when what is published is the block's deletion.",
)

LIBRARY_CONTAINER_CREATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.container.created.v1",
    data={"library_container": LibraryContainerData},
    signal_name="LIBRARY_CONTAINER_CREATED",
    description="Sent after a container, such as a unit, is added to a content library.",
)

LIBRARY_CONTAINER_UPDATED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.container.updated.v1",
    data={"library_container": LibraryContainerData},
    signal_name="LIBRARY_CONTAINER_UPDATED",
    description="Sent after a container in a content library is changed.",
)

LIBRARY_CONTAINER_DELETED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.container.deleted.v1",
    data={"library_container": LibraryContainerData},
    signal_name="LIBRARY_CONTAINER_DELETED",
    description="Sent after a container is removed from a content library.",
)

LIBRARY_CONTAINER_PUBLISHED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.content_library.container.published.v1",
    data={"library_container": LibraryContainerData},
    signal_name="LIBRARY_CONTAINER_PUBLISHED",
    description="Sent when the draft of a library container is published, including when what is published is the container's deletion.",
)

# The reference implementation documents the key field "catalog_info.course_key" for the next
# two events, though their data is "course". It is kept as documented; the path leads to no
# value, so the commands send these events without a message key.
COURSE_IMPORT_COMPLETED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.course.import.completed.v1",
    data={"course": CourseData},
    signal_name="COURSE_IMPORT_COMPLETED",
    event_key_field="catalog_info.course_key",
    description="Sent when Studio has finished importing course content into a course run.",
)

COURSE_RERUN_COMPLETED = OpenEdxPublicSignal(
    event_type="org.openedx.content_authoring.course.rerun.completed.v1",
    data={"course": CourseData},
    signal_name="COURSE_RERUN_COMPLETED",
    event_key_field="catalog_info.course_key",
    description="Sent when Studio has finished creating a rerun, a new run of an existing course.",
)
