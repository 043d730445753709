"""What the interop tests share: the plugins' virtualenv builder and running the child process.

The Python 3.12 virtualenv is built once by ``bench/reference_env.py`` (``bench/.venv-interop``,
git-ignored) and rebuilt when the requirements below or this package's pyproject change. This
package goes in first (editable, so the tests always run the working tree); the plugins are
installed after it, so the tests also see what installing a plugin beside this package does.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

#: The reference's bus plugins: edx-event-bus-redis 1.1.2 and the latest edx-event-bus-kafka
#: (6.2.0 when this was written), with the confluent-kafka extras its producer uses.
PLUGINS = (
    "edx-event-bus-redis==1.1.2",
    "edx-event-bus-kafka==6.2.0",
    "confluent-kafka[avro,schemaregistry]",
)


def _reference_env() -> ModuleType:
    path = ROOT / "bench" / "reference_env.py"
    spec = importlib.util.spec_from_file_location("reference_env", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference_env = _reference_env()

#: Skips the interop tests where the plugins' Python is absent.
needs_python312 = pytest.mark.skipif(
    not Path(reference_env.base_python()).exists(),
    reason=f"the reference's plugins need Python 3.12, not found at {reference_env.base_python()} "
    "(set REFERENCE_PYTHON)",
)


def build_plugin_venv() -> Path:
    """The interpreter of the virtualenv with this package and the plugins (built on first use)."""
    python: Path = reference_env.python312_venv(
        "interop",
        ["-e", str(ROOT)],
        then=list(PLUGINS),
        depends_on=[ROOT / "pyproject.toml"],
    )
    return python


def run_child(
    python: Path,
    plugin: str,
    prefix: str,
    *args: str,
    timeout: float = 120,
    schema_registry_url: str = "http://127.0.0.1:9",
) -> subprocess.CompletedProcess[str]:
    """Run ``plugin_child.py ARGS`` in the plugins' virtualenv, for ``plugin`` (redis, kafka)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EVENTS_", "EVENT_BUS_", "DJANGO_", "PYTHON"))
    }
    env.update(
        INTEROP_PLUGIN=plugin,
        INTEROP_TOPIC_PREFIX=prefix,
        INTEROP_REDIS_URL="redis://127.0.0.1:6379/0",
        INTEROP_SCHEMA_REGISTRY_URL=schema_registry_url,
        DJANGO_SETTINGS_MODULE="plugin_settings",
    )
    return subprocess.run(
        [str(python), str(HERE / "plugin_child.py"), *args],
        capture_output=True,
        text=True,
        cwd=HERE,
        env=env,
        timeout=timeout,
        check=False,
    )
