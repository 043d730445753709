"""Custom-type serializers written the reference implementation's way.

A :class:`BaseCustomTypeAvroSerializer` subclass names a Python class (``cls``), the Avro type
it travels as (``field_type``) and two static conversions. A signal serializer's
``custom_type_serializers()`` returns such classes; :func:`custom_type_entries` turns them into
the codec's own :class:`CustomType` entries. The built-in ones below convert exactly as the
codec's registry does, because they are the registry's conversions.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from ccx_keys.locator import CCXLocator
from opaque_keys.edx.keys import CourseKey, UsageKey
from opaque_keys.edx.locator import (
    LibraryCollectionLocator,
    LibraryContainerLocator,
    LibraryLocatorV2,
    LibraryUsageLocatorV2,
)

from openedx_events._private.avro.custom_types import CustomType, custom_type_for

__all__ = [
    "DEFAULT_CUSTOM_SERIALIZERS",
    "DEFAULT_DESERIALIZERS",
    "DEFAULT_FIELD_TYPES",
    "DEFAULT_SERIALIZERS",
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
    "custom_type_entries",
]


class BaseCustomTypeAvroSerializer(abc.ABC):
    """How one Python class travels on the wire: ``cls`` as the Avro type ``field_type``."""

    cls: type
    field_type: str

    @staticmethod
    @abc.abstractmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""

    @staticmethod
    @abc.abstractmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""


def _registered(python_type: type) -> CustomType:
    entry = custom_type_for(python_type)
    assert entry is not None, python_type  # every built-in below is in the registry
    return entry


_COURSE_KEY = _registered(CourseKey)


class CourseKeyAvroSerializer(BaseCustomTypeAvroSerializer):
    """``CourseKey`` as its string."""

    cls = CourseKey
    field_type = _COURSE_KEY.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _COURSE_KEY.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _COURSE_KEY.decode(data)


_CCX_LOCATOR = _registered(CCXLocator)


class CcxCourseLocatorAvroSerializer(BaseCustomTypeAvroSerializer):
    """``CCXLocator`` as its string."""

    cls = CCXLocator
    field_type = _CCX_LOCATOR.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _CCX_LOCATOR.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _CCX_LOCATOR.decode(data)


_DATETIME = _registered(datetime)


class DatetimeAvroSerializer(BaseCustomTypeAvroSerializer):
    """``datetime`` as its ISO 8601 string (the CloudEvents Avro mapping of a time)."""

    cls = datetime
    field_type = _DATETIME.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _DATETIME.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _DATETIME.decode(data)


_USAGE_KEY = _registered(UsageKey)


class UsageKeyAvroSerializer(BaseCustomTypeAvroSerializer):
    """``UsageKey`` as its string."""

    cls = UsageKey
    field_type = _USAGE_KEY.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _USAGE_KEY.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _USAGE_KEY.decode(data)


_LIBRARY_COLLECTION_LOCATOR = _registered(LibraryCollectionLocator)


class LibraryCollectionLocatorAvroSerializer(BaseCustomTypeAvroSerializer):
    """``LibraryCollectionLocator`` as its string."""

    cls = LibraryCollectionLocator
    field_type = _LIBRARY_COLLECTION_LOCATOR.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _LIBRARY_COLLECTION_LOCATOR.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _LIBRARY_COLLECTION_LOCATOR.decode(data)


_LIBRARY_CONTAINER_LOCATOR = _registered(LibraryContainerLocator)


class LibraryContainerLocatorAvroSerializer(BaseCustomTypeAvroSerializer):
    """``LibraryContainerLocator`` as its string."""

    cls = LibraryContainerLocator
    field_type = _LIBRARY_CONTAINER_LOCATOR.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _LIBRARY_CONTAINER_LOCATOR.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _LIBRARY_CONTAINER_LOCATOR.decode(data)


_LIBRARY_LOCATOR_V2 = _registered(LibraryLocatorV2)


class LibraryLocatorV2AvroSerializer(BaseCustomTypeAvroSerializer):
    """``LibraryLocatorV2`` as its string."""

    cls = LibraryLocatorV2
    field_type = _LIBRARY_LOCATOR_V2.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _LIBRARY_LOCATOR_V2.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _LIBRARY_LOCATOR_V2.decode(data)


_LIBRARY_USAGE_LOCATOR_V2 = _registered(LibraryUsageLocatorV2)


class LibraryUsageLocatorV2AvroSerializer(BaseCustomTypeAvroSerializer):
    """``LibraryUsageLocatorV2`` as its string."""

    cls = LibraryUsageLocatorV2
    field_type = _LIBRARY_USAGE_LOCATOR_V2.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _LIBRARY_USAGE_LOCATOR_V2.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _LIBRARY_USAGE_LOCATOR_V2.decode(data)


_UUID = _registered(UUID)


class UuidAvroSerializer(BaseCustomTypeAvroSerializer):
    """``UUID`` as its canonical string."""

    cls = UUID
    field_type = _UUID.avro_type

    @staticmethod
    def serialize(obj: Any) -> Any:
        """The wire value of ``obj``."""
        return _UUID.encode(obj)

    @staticmethod
    def deserialize(data: Any) -> Any:
        """The object a wire value stands for."""
        return _UUID.decode(data)


DEFAULT_CUSTOM_SERIALIZERS: list[type[BaseCustomTypeAvroSerializer]] = [
    CourseKeyAvroSerializer,
    CcxCourseLocatorAvroSerializer,
    DatetimeAvroSerializer,
    LibraryCollectionLocatorAvroSerializer,
    LibraryContainerLocatorAvroSerializer,
    LibraryLocatorV2AvroSerializer,
    LibraryUsageLocatorV2AvroSerializer,
    UsageKeyAvroSerializer,
    UuidAvroSerializer,
]
DEFAULT_SERIALIZERS = {item.cls: item.serialize for item in DEFAULT_CUSTOM_SERIALIZERS}
DEFAULT_DESERIALIZERS = {item.cls: item.deserialize for item in DEFAULT_CUSTOM_SERIALIZERS}
DEFAULT_FIELD_TYPES = {item.cls: item.field_type for item in DEFAULT_CUSTOM_SERIALIZERS}


def custom_type_entries(
    serializers: Iterable[type[BaseCustomTypeAvroSerializer]],
) -> tuple[CustomType, ...]:
    """The codec's entries for a signal serializer's own custom-type serializers."""
    return tuple(
        CustomType(item.cls, item.field_type, item.serialize, item.deserialize, item.cls)
        for item in serializers
    )
