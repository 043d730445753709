"""Fixtures of the Django tests: a PostgreSQL database of this test session.

The test project's own tests (``djproject/``) run under Django's runner, not pytest.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from _django_helpers import create_database, drop_database

collect_ignore_glob = ["djproject/*"]


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this session on the shared server (``.ci/run`` starts it); dropped after."""
    name = f"oe_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    create_database(name)
    yield name
    drop_database(name)
    drop_database(f"test_{name}")
