"""The distribution's version: which reference API it implements, and what plugins accept."""

from __future__ import annotations

import importlib.metadata

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import openedx_events
from openedx_events.data import EventsMetadata
from openedx_events.event_bus.headers import metadata_to_headers

# What the bus plugins and other Open edX packages that depend on openedx-events require of it.
PLUGIN_REQUIREMENTS = [
    "openedx-events>=9.5.0",  # edx-event-bus-redis 1.1.2
    "openedx-events>=9.3.0",  # edx-event-bus-kafka 6.2.0
    "openedx-events",  # edx-enterprise, edx-name-affirmation, openedx-core
]


def test_the_version_names_the_reference_release_it_implements() -> None:
    """11.2.0.N: the API of the reference's 11.2.0, in this package's N-th release of it."""
    version = Version(openedx_events.__version__)
    assert version.release[:3] == (11, 2, 0)
    assert len(version.release) == 4
    assert not version.is_prerelease
    assert not version.local


def test_the_installed_distribution_has_the_package_version() -> None:
    """pip sees the version the package reports (setuptools reads it from the same constant)."""
    assert importlib.metadata.version("openedx-events") == openedx_events.__version__


@pytest.mark.parametrize("requirement", PLUGIN_REQUIREMENTS)
def test_plugins_requirements_accept_this_version(requirement: str) -> None:
    """pip keeps this package when it installs a plugin beside it."""
    assert Requirement(requirement).specifier.contains(openedx_events.__version__)


def test_sourcelib_follows_the_version() -> None:
    """The metadata field is the version as ints, and the header is the version's text."""
    metadata = EventsMetadata(event_type="org.openedx.learning.auth.session.login.completed.v1")
    assert metadata.sourcelib == tuple(int(part) for part in openedx_events.__version__.split("."))
    assert metadata_to_headers(metadata, style="redis")["sourcelib"] == openedx_events.__version__
    assert metadata_to_headers(metadata, style="kafka")["sourcelib"] == openedx_events.__version__
