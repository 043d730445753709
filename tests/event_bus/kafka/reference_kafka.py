"""Running edx-event-bus-kafka 6.2.0 (on openedx-events 11.2.0) from the tests.

The reference needs Python 3.12 and Django; its virtualenv is built once, by the benchmarks'
``python312_venv``, under ``bench/.venv-kafka-reference``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_BENCH = Path(__file__).resolve().parents[3] / "bench"
if str(_BENCH) not in sys.path:
    sys.path.insert(0, str(_BENCH))

import reference_env  # noqa: E402  (bench/ is not a package)

__all__ = ["REFERENCE_KAFKA_REQUIREMENTS", "has_python312", "reference_kafka_python", "run_side"]

REFERENCE_KAFKA_REQUIREMENTS = (
    "openedx-events==11.2.0",
    "edx-event-bus-kafka==6.2.0",
    "confluent-kafka[avro,schemaregistry]>=2.16",
    "Django>=4.2,<6",
)
_SIDE = Path(__file__).resolve().parent / "reference_side.py"


def has_python312() -> bool:
    """Whether the Python 3.12 the reference needs is on this machine."""
    return Path(reference_env.base_python()).exists()


def reference_kafka_python() -> Path:
    """The reference Kafka bus's interpreter (its virtualenv is built on first use)."""
    return reference_env.python312_venv("kafka-reference", REFERENCE_KAFKA_REQUIREMENTS)


def run_side(job: dict[str, Any], *, timeout: float = 300.0) -> dict[str, Any]:
    """Run ``reference_side.py`` with ``job`` in the reference virtualenv; return its output."""
    python = reference_kafka_python()
    with tempfile.TemporaryDirectory(prefix="reference-kafka-") as workdir:
        source, result = Path(workdir) / "job.json", Path(workdir) / "result.json"
        source.write_text(json.dumps(job), encoding="utf-8")
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("EVENTS_", "EVENT_BUS_", "DJANGO_", "PYTHON"))
        }
        subprocess.run(
            [str(python), str(_SIDE), str(source), str(result)],
            check=True,
            timeout=timeout,
            cwd=workdir,
            env=env,
        )
        output: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return output
