"""Field types of the catalog's data classes, as tools that introspect them see them."""

import typing

import attrs

from openedx_events._private.fields import data_fields
from openedx_events.enterprise.data import LedgerTransaction
from openedx_events.learning.data import BadgeTemplateData, ORASubmissionAnswer


def test_a_field_defaulting_to_none_has_the_reference_type_at_run_time() -> None:
    """attrs.fields gives X, as for the reference's attr.ib(type=X, default=None)."""
    assert attrs.fields(BadgeTemplateData).name.type is str
    assert typing.get_type_hints(BadgeTemplateData)["name"] == str | None


def test_data_fields_still_see_the_field_as_optional() -> None:
    """Schema generation reads the annotation: the field is a ["null", T] union."""
    by_name = {spec.name: spec for spec in data_fields(LedgerTransaction)}
    assert by_name["parent_content_key"].optional
    assert by_name["parent_content_key"].type is str
    assert not by_name["uuid"].optional


def test_lists_are_typing_lists_where_the_reference_has_them() -> None:
    """The reference's List[str] compares equal to ours, which list[str] does not."""
    assert attrs.fields(ORASubmissionAnswer).file_keys.type == typing.List[str]  # noqa: UP006
