"""Scraping a real consumer process while it works through events, failures and dead letters."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _observed_bus import ObservedBus
from prometheus_client.parser import text_string_to_metric_families

from _redis_server import REDIS_SERVER, RedisServer
from openedx_events.event_bus import decode_record
from openedx_events.event_bus.redis import RedisBackend
from openedx_events.event_bus.sqlite import SqliteBackend

TOPIC = "metered-enrollments"
GROUP = "metered"
ENROLLED = "org.openedx.learning.course.enrollment.created.v1"
FAIL_MOD = 3
REFUSED = "receiver_failed"


@pytest.fixture(params=["sqlite", "redis"])
def bus(request: pytest.FixtureRequest, tmp_path: Path) -> ObservedBus:
    if request.param == "redis":
        return ObservedBus(tmp_path, "redis", request.getfixturevalue("redis_url"))
    return ObservedBus(tmp_path, "sqlite")


def _backend(bus: ObservedBus) -> Any:
    if bus.kind == "redis":
        return RedisBackend(bus.env["EVENT_BUS_REDIS_CONNECTION_URL"])
    return SqliteBackend(bus.env["EVENT_BUS_SQLITE_PATH"])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def _value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _wait_for(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_consumers_endpoint_shows_the_counts_and_lag_the_bus_has(
    bus: ObservedBus, tmp_path: Path
) -> None:
    bus.produce(TOPIC, 12)
    backend = _backend(bus)
    events = [decode_record(r) for r in backend.read(TOPIC)]
    ids = [str(e.metadata.id) for e in events]
    # The worker's receiver refuses the users whose id FAIL_MOD divides.
    failing = sum(1 for e in events if e.data["enrollment"].user.id % FAIL_MOD == 0)
    assert 0 < failing < len(ids)  # the samples give both outcomes
    port_file = tmp_path / "port"
    process, log = bus.start(
        "consume",
        TOPIC,
        GROUP,
        str(tmp_path / "spans.json"),
        "--fail-mod",
        str(FAIL_MOD),
        "--delay",
        "0.1",
        "--metrics-port-file",
        str(port_file),
    )
    try:
        _wait_for(port_file.exists)
        base = f"http://127.0.0.1:{port_file.read_text()}"
        by_group = {"event_type": ENROLLED, "topic": TOPIC, "group": GROUP}

        # While it works: some handled, the rest still counted as lag.
        _wait_for(lambda: _get(base + "/readyz")[0] == 200)
        early = _samples(_get(base + "/metrics")[1])
        handled = _value(early, "openedx_events_delivered_total", **by_group) + _value(
            early, "openedx_events_dead_lettered_total", **by_group, reason=REFUSED
        )
        assert handled < len(ids)
        assert _value(early, "openedx_events_consumer_lag", topic=TOPIC, group=GROUP) > 0

        def all_handled() -> bool:
            now = _samples(_get(base + "/metrics")[1])
            return _value(now, "openedx_events_consumer_lag", topic=TOPIC, group=GROUP) == 0

        _wait_for(all_handled)
        final = _samples(_get(base + "/metrics")[1])
        assert _value(final, "openedx_events_delivered_total", **by_group) == len(ids) - failing
        assert (
            _value(
                final, "openedx_events_dead_lettered_total", **by_group, reason="receiver_failed"
            )
            == failing
        )
        assert _value(final, "openedx_events_retried_total", **by_group) == failing
        assert _value(final, "openedx_events_delivery_failed_total", **by_group) == 2 * failing
        assert _value(final, "openedx_events_dead_letter_depth", topic=TOPIC) == failing
        assert (
            _value(
                final,
                "openedx_events_delivery_latency_seconds_count",
                topic=TOPIC,
                group=GROUP,
            )
            == len(ids) - failing
        )
        (group,) = backend.groups(TOPIC)
        assert group.lag == 0
        assert len(backend.read(TOPIC + ".dlq")) == failing
        assert _get(base + "/livez")[0] == 200
        assert _get(base + "/nothing")[0] == 404
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        backend.close()
    assert process.returncode == 0, log.read_text()[-3000:]


@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")
def test_readiness_follows_the_broker_and_liveness_the_loop(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis").start()
    bus = ObservedBus(tmp_path, "redis", server.url)
    port_file = tmp_path / "port"
    process, log = bus.start(
        "consume", TOPIC, GROUP, str(tmp_path / "spans.json"), "--metrics-port-file", str(port_file)
    )
    try:
        _wait_for(port_file.exists)
        base = f"http://127.0.0.1:{port_file.read_text()}"
        _wait_for(lambda: _get(base + "/readyz")[0] == 200)
        server.kill()  # the broker goes away: the consumer still turns, but is not ready
        _wait_for(lambda: _get(base + "/readyz")[0] == 503)
        status, body = _get(base + "/livez")
        assert status == 200
        assert '"connected": false' in body
        server.start()
        _wait_for(lambda: _get(base + "/readyz")[0] == 200)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        server.stop()
    assert process.returncode == 0, log.read_text()[-3000:]


ENCODED_WITHOUT_TRACING = """
import sys
sys.modules["opentelemetry"] = None  # the otel extra is not installed
from openedx_events import configure
configure(EVENT_BUS_SQLITE_PATH=sys.argv[1])
import prometheus_client
from openedx_events.event_bus import encode_event, get_producer
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data
batch = [
    encode_event(SIGNAL, sample_event_data(SIGNAL, i), SIGNAL.generate_signal_metadata())
    for i in range(3)
]
get_producer().send_encoded("relayed", batch)  # as the outbox relay publishes a batch
labels = {"event_type": SIGNAL.event_type, "topic": "relayed"}
print(prometheus_client.REGISTRY.get_sample_value("openedx_events_published_total", labels))
"""


def test_a_relayed_batch_is_counted_when_opentelemetry_is_not_installed(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", ENCODED_WITHOUT_TRACING, str(tmp_path / "bus.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("EVENT_BUS_")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3.0"]
    backend = SqliteBackend(tmp_path / "bus.db")
    assert len(backend.read("relayed")) == 3
    backend.close()
