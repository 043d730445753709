"""Custom-type serializers (the reference's extension point), at its import path.

Subclass :class:`BaseCustomTypeAvroSerializer` and return the subclass from the
``custom_type_serializers()`` of an ``AvroSignalSerializer`` / ``AvroSignalDeserializer``
subclass to carry a type the codec does not know.
"""

from openedx_events._private.avro.python_types import PYTHON_TYPE_TO_AVRO_MAPPING
from openedx_events._private.avro.type_serializers import (
    DEFAULT_CUSTOM_SERIALIZERS,
    BaseCustomTypeAvroSerializer,
    CcxCourseLocatorAvroSerializer,
    CourseKeyAvroSerializer,
    DatetimeAvroSerializer,
    LibraryCollectionLocatorAvroSerializer,
    LibraryContainerLocatorAvroSerializer,
    LibraryLocatorV2AvroSerializer,
    LibraryUsageLocatorV2AvroSerializer,
    UsageKeyAvroSerializer,
    UuidAvroSerializer,
)

__all__ = [
    "DEFAULT_CUSTOM_SERIALIZERS",
    "PYTHON_TYPE_TO_AVRO_MAPPING",
    "BaseCustomTypeAvroSerializer",
    "CcxCourseLocatorAvroSerializer",
    "CourseKeyAvroSerializer",
    "DatetimeAvroSerializer",
    "LibraryCollectionLocatorAvroSerializer",
    "LibraryContainerLocatorAvroSerializer",
    "LibraryLocatorV2AvroSerializer",
    "LibraryUsageLocatorV2AvroSerializer",
    "UsageKeyAvroSerializer",
    "UuidAvroSerializer",
]
