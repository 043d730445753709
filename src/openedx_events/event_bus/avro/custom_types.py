"""The registry of custom types: how non-Avro Python types travel in event data.

Keys (``CourseKey``, ``UsageKey``, ``CCXLocator``, the library locators), ``datetime`` and
``UUID`` travel as Avro strings; ``typing.BinaryIO`` travels as Avro bytes. Add a type with::

    register_custom_type(Money, "string", encode=str, decode=Money.parse)
"""

from openedx_events._private.avro.custom_types import (
    CustomType,
    custom_type_for,
    register_custom_type,
    registered_custom_types,
)

__all__ = ["CustomType", "custom_type_for", "register_custom_type", "registered_custom_types"]
