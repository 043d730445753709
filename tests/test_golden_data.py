"""The committed golden wire data is what the reference implementation writes today.

Runs ``tools/golden_wire.py`` against the reference (openedx-events 11.2.0 and its buses, in a
Python 3.12 virtualenv it builds once) and compares its output with ``tests/golden``; a sample
or catalog change that alters the vectors fails here until the files are regenerated.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from golden_data import GOLDEN_DIR

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import golden_wire  # noqa: E402  (tools/ is not a package)

REFERENCE_PYTHON = os.environ.get("REFERENCE_PYTHON", "/root/.pyenv/versions/3.12.1/bin/python3.12")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(REFERENCE_PYTHON).exists(),
        reason=f"the reference needs Python 3.12, not found at {REFERENCE_PYTHON}",
    ),
]


def test_the_golden_files_are_what_the_reference_writes() -> None:
    generated = golden_wire.generate()
    assert sorted(generated) == sorted(path.name for path in GOLDEN_DIR.glob("*.json"))
    for name, document in generated.items():
        committed = (GOLDEN_DIR / name).read_text(encoding="utf-8")
        assert golden_wire.render(document) == committed, f"regenerate {name}: tools/golden_wire.py"
