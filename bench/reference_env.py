"""The reference implementation (openedx-events 11.2.0), in a virtualenv of its own.

The reference needs Python 3.12 and Django, so benchmarks cannot import it beside this package.
This module builds (once) a Python 3.12 virtualenv at ``bench/.venv-reference`` and runs code
there, handing results back as JSON:

    from reference_env import run_reference

    figures = run_reference('''
    from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
    emit({"type": COURSE_ENROLLMENT_CREATED.event_type})
    ''')

The snippet runs after Django is configured (``settings.configure`` + ``django.setup()``), so
the reference's signals import cleanly; it reports its result by calling ``emit(value)`` once
with a JSON-serializable value. Its stdout and stderr pass through to ours.

Set ``REFERENCE_PYTHON`` to use another Python 3.12 to build the virtualenv.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "REFERENCE_REQUIREMENTS",
    "VENV_DIR",
    "base_python",
    "have_python312",
    "python312_venv",
    "reference_python",
    "run_reference",
]

REFERENCE_REQUIREMENTS = ("openedx-events==11.2.0", "Django>=4.2,<7")
VENV_DIR = Path(__file__).resolve().parent / ".venv-reference"
_DEFAULT_BASE_PYTHON = "/root/.pyenv/versions/3.12.1/bin/python3.12"

# Runs before every snippet: Django settings first, because the reference reads them when its
# signal modules are imported.
_PRELUDE = """\
import json as _json
import sys as _sys

import django as _django
from django.conf import settings as _settings

if not _settings.configured:
    _settings.configure(
        DEBUG=False,
        USE_TZ=True,
        INSTALLED_APPS=["django.contrib.contenttypes"],
        EVENTS_SERVICE_NAME="reference-bench",
        LOGGING_CONFIG=None,
    )
    _django.setup()

_emitted = []


def emit(value):
    \"\"\"Hand ``value`` (JSON-serializable) back to the caller of run_reference.\"\"\"
    if _emitted:
        raise RuntimeError("emit() may be called only once")
    _emitted.append(True)
    with open(_sys.argv[1], "w", encoding="utf-8") as _out:
        _json.dump(value, _out)

"""


def base_python() -> str:
    """The Python 3.12 interpreter virtualenvs are built from (``REFERENCE_PYTHON`` overrides)."""
    return os.environ.get("REFERENCE_PYTHON", _DEFAULT_BASE_PYTHON)


def have_python312() -> bool:
    """Whether the Python 3.12 the reference's virtualenvs are built from is on this machine."""
    return Path(base_python()).exists()


def python312_venv(
    name: str,
    requirements: Sequence[str],
    *,
    then: Sequence[str] = (),
    depends_on: Sequence[Path] = (),
) -> Path:
    """The interpreter of the Python 3.12 virtualenv ``bench/.venv-<name>``, built on first use.

    ``requirements`` are pip arguments (specifiers, paths, flags); ``then``, when given, is a
    second ``pip install`` run after the first, so a caller can check what installing it did to
    the packages already there. The virtualenv is rebuilt when either list, or the content of a
    file in ``depends_on`` (say, the pyproject of a package installed in editable mode), changes.
    Interop tests use it too, for venvs that hold the reference's bus plugins.

    Raises:
        RuntimeError: no Python 3.12 interpreter was found.
        subprocess.CalledProcessError: pip failed.
    """
    venv = Path(__file__).resolve().parent / f".venv-{name}"
    python = venv / "bin" / "python"
    stamp = venv / ".requirements"
    digest = hashlib.sha256("\n".join(requirements).encode())
    if then:
        digest.update(b"\0then\0" + "\n".join(then).encode())
    for path in depends_on:
        digest.update(b"\0" + Path(path).read_bytes())
    key = digest.hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == key:
        return python
    base = base_python()
    if not Path(base).exists():
        raise RuntimeError(
            f"the reference implementation needs Python 3.12, not found at {base}; "
            "set REFERENCE_PYTHON to a Python 3.12 interpreter"
        )
    print(f"building the virtualenv {venv} ...", file=sys.stderr)
    subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True)
    for step in (requirements, then):
        if step:
            pip = [str(python), "-m", "pip", "install", "--quiet", *step]
            subprocess.run(pip, check=True)
    stamp.write_text(key)
    return python


def reference_python() -> Path:
    """The reference virtualenv's interpreter, building the virtualenv on first use."""
    return python312_venv("reference", REFERENCE_REQUIREMENTS)


def run_reference(script: str, *, timeout: float = 900.0, python: Path | None = None) -> Any:
    """Run ``script`` with the reference implementation; return what it passed to ``emit``.

    ``python`` is another virtualenv's interpreter (from :func:`python312_venv`) that holds
    the reference beside more packages, such as its bus plugins. Returns ``None`` when the
    script never calls ``emit``.

    Raises:
        subprocess.CalledProcessError: the script failed (its stderr has already been shown).
        subprocess.TimeoutExpired: it ran longer than ``timeout`` seconds.
    """
    python = python or reference_python()
    with tempfile.TemporaryDirectory(prefix="reference-run-") as workdir:
        source = Path(workdir) / "snippet.py"
        result = Path(workdir) / "result.json"
        source.write_text(_PRELUDE + script, encoding="utf-8")
        # A clean environment for the child: our own settings must not leak into the reference.
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("EVENTS_", "EVENT_BUS_", "DJANGO_", "PYTHON"))
        }
        subprocess.run(
            [str(python), str(source), str(result)],
            check=True,
            timeout=timeout,
            cwd=workdir,
            env=env,
        )
        if not result.exists():
            return None
        return json.loads(result.read_text(encoding="utf-8"))


if __name__ == "__main__":
    print(
        run_reference(
            "import openedx_events\n"
            "from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals\n"
            "load_all_signals()\n"
            "emit({'version': openedx_events.__version__,"
            " 'signals': len(OpenEdxPublicSignal.all_events())})\n"
        )
    )
