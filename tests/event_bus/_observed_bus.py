"""Real producer and consumer processes on one bus (embedded or Redis), and their spans."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

WORKER = Path(__file__).with_name("_observed_worker.py")


class ObservedBus:
    """Runs ``_observed_worker.py`` processes on one bus and reads back the spans they made."""

    def __init__(self, directory: Path, kind: str, redis_url: str | None = None) -> None:
        self.directory = directory
        self.kind = kind
        self.env = {
            key: value for key, value in os.environ.items() if not key.startswith("EVENT_BUS_")
        }
        if kind == "kafka":
            assert redis_url is not None  # "servers registry-url" for Kafka
            servers, registry = redis_url.split(" ")
            self.env |= {
                "EVENT_BUS_PRODUCER": "openedx_events.event_bus.kafka.create_producer",
                "EVENT_BUS_CONSUMER": "openedx_events.event_bus.kafka.create_consumer",
                "EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS": servers,
                "EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL": registry,
            }
        elif kind == "redis":
            assert redis_url is not None
            self.env |= {
                "EVENT_BUS_PRODUCER": "openedx_events.event_bus.redis.create_producer",
                "EVENT_BUS_CONSUMER": "openedx_events.event_bus.redis.create_consumer",
                "EVENT_BUS_REDIS_CONNECTION_URL": redis_url,
            }
        else:
            self.env["EVENT_BUS_SQLITE_PATH"] = str(directory / "bus.db")
        self._runs = 0

    def start(self, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
        self._runs += 1
        log = self.directory / f"worker-{self._runs}.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, str(WORKER), *args],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        return process, log

    def run(self, *args: str) -> tuple[list[dict[str, Any]], str]:
        """Run a worker to its end; its spans and its log."""
        spans = self.directory / f"spans-{self._runs + 1}.json"
        process, log = self.start(*args, str(spans))
        process.wait(timeout=120)
        assert process.returncode == 0, log.read_text()[-3000:]
        return json.loads(spans.read_text()), log.read_text()

    def produce(self, topic: str, count: int, *extra: str) -> list[dict[str, Any]]:
        spans, _ = self.run("produce", topic, str(count), *extra)
        return spans

    def consume(self, topic: str, group: str, *extra: str) -> tuple[list[dict[str, Any]], str]:
        return self.run("consume", topic, group, *extra)
