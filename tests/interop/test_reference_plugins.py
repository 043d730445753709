"""The reference's bus plugins (edx-event-bus-redis, edx-event-bus-kafka) run on this package.

In a Python 3.12 virtualenv with this package and the plugins, a Django project starts with
each plugin in INSTALLED_APPS, and events sent by our signals travel through the Redis plugin's
producer, the real Redis and its consumer to our receivers, unchanged.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from interop_helpers import ROOT, needs_python312, run_child

import openedx_events

pytestmark = needs_python312


def _report(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_installing_the_plugins_keeps_this_package_and_pip_check_is_clean(
    plugin_python: Path,
) -> None:
    """The plugins' requirement on openedx-events is met by ours: pip neither replaced it nor
    left a conflict."""
    check = subprocess.run(
        [str(plugin_python), "-m", "pip", "check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    shown = subprocess.run(
        [str(plugin_python), "-m", "pip", "show", "-f", "openedx-events"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"Version: {openedx_events.__version__}" in shown.stdout
    assert f"Editable project location: {ROOT}" in shown.stdout


@pytest.mark.parametrize(
    ("plugin", "producer"),
    [
        ("redis", "edx_event_bus_redis.internal.producer.RedisEventProducer"),
        ("kafka", "edx_event_bus_kafka.internal.producer.KafkaEventProducer"),
    ],
)
def test_a_django_project_starts_with_the_plugin_installed(
    plugin_python: Path, topic_prefix: str, plugin: str, producer: str
) -> None:
    """django.setup() runs every app's ready(), `check` passes, and EVENT_BUS_PRODUCER loads
    the plugin's producer through our loader."""
    report = _report(run_child(plugin_python, plugin, topic_prefix, "startup"))
    assert report["openedx_events"] == str(ROOT / "src" / "openedx_events")
    assert report["version"] == openedx_events.__version__
    assert report["apps_ready"] is True
    assert report["plugin_app"] == f"edx_event_bus_{plugin}.apps"
    assert report["producer"] == producer


def test_events_travel_through_the_redis_plugin_unchanged(
    plugin_python: Path, topic_prefix: str
) -> None:
    """Three events of each of four types, sent by send_event and routed by
    EVENT_BUS_PRODUCER_CONFIG, come out of RedisEventConsumer with the same data and metadata."""
    report = _report(run_child(plugin_python, "redis", topic_prefix, "redis-roundtrip", "3"))
    assert len(report["sent"]) == 12
    assert len(set(report["sent"])) == 4
    assert report["received"] == report["sent"]
    for compared in report["compared"]:
        assert compared["same_metadata"], compared
        assert compared["same_data"], compared
