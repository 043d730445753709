"""The demo's record files and the statistics read back from them.

Each process of the demo appends tab-separated lines to its own file in the run directory:
the producer one line per event sent (``id, type, sent time``), each consumer one line per
receiver call (``id, type, latency in microseconds, outcome, receive time``). Files, rather
than shared memory, so that what is counted is exactly what the processes reported.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

__all__ = [
    "DELIVERED",
    "FAILED",
    "DemoStats",
    "RecordTail",
    "TypeStats",
    "consumer_file",
    "percentile",
    "producer_file",
    "read_stats",
    "ready_file",
    "runtime_retries",
    "stats_file",
]

DELIVERED = "ok"
FAILED = "fail"
_PRODUCED = "produced.tsv"


def producer_file(run_dir: Path) -> Path:
    """Where the producer records the events it sent."""
    return run_dir / _PRODUCED


def consumer_file(run_dir: Path, number: int) -> Path:
    """Where consumer ``number`` records its receiver calls."""
    return run_dir / f"consumer-{number}.tsv"


def ready_file(run_dir: Path, number: int) -> Path:
    """The file consumer ``number`` creates once it is about to consume."""
    return run_dir / f"consumer-{number}.ready"


def stats_file(run_dir: Path, number: int) -> Path:
    """Where consumer ``number`` leaves its own counts (retries, dead letters) as it stops."""
    return run_dir / f"consumer-{number}.stats.json"


def runtime_retries(run_dir: Path, consumers: int) -> int | None:
    """The retries the consumers' runtime counted; ``None`` if a consumer left no counts."""
    total = 0
    for number in range(1, consumers + 1):
        try:
            total += int(json.loads(stats_file(run_dir, number).read_text())["retries"])
        except (FileNotFoundError, ValueError, KeyError):
            return None
    return total


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (``nan`` when there are none)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


class RecordTail:
    """The event ids recorded so far in a file that another process is still appending to."""

    def __init__(self, path: Path, outcome: str | None = None) -> None:
        self.path = path
        self.ids: set[str] = set()
        self._offset = 0
        self._outcome = outcome

    def update(self) -> set[str]:
        """Read the lines appended since the last call; return every id seen so far.

        With an ``outcome``, only the consumer lines of that outcome count.
        """
        try:
            with self.path.open("rb") as stream:
                stream.seek(self._offset)
                chunk = stream.read()
        except FileNotFoundError:
            return self.ids
        end = chunk.rfind(b"\n") + 1  # a partly written last line is read next time
        self._offset += end
        for line in chunk[:end].decode("utf-8").splitlines():
            fields = line.split("\t")
            if self._outcome is None or fields[3] == self._outcome:
                self.ids.add(fields[0])
        return self.ids


@attrs.define
class TypeStats:
    """What happened to the events of one type."""

    event_type: str
    produced: int = 0
    delivered: int = 0
    retried: int = 0
    latencies_ms: list[float] = attrs.Factory(list)

    @property
    def p50_ms(self) -> float:
        """The median end-to-end latency, in milliseconds."""
        return percentile(sorted(self.latencies_ms), 0.50)

    @property
    def p99_ms(self) -> float:
        """The 99th percentile end-to-end latency, in milliseconds."""
        return percentile(sorted(self.latencies_ms), 0.99)


@attrs.define
class DemoStats:
    """The outcome of a demo run, read from its record files."""

    by_type: dict[str, TypeStats]
    produced_ids: set[str]
    delivered_ids: set[str]
    failed_attempts: int
    duplicates: int
    first_sent: float
    last_delivered: float

    @property
    def lost_ids(self) -> set[str]:
        """Events the producer sent that no receiver ever accepted."""
        return self.produced_ids - self.delivered_ids

    @property
    def retried(self) -> int:
        """Events delivered after at least one failed attempt."""
        return sum(stats.retried for stats in self.by_type.values())

    @property
    def latencies_ms(self) -> list[float]:
        """Every end-to-end latency, sorted."""
        return sorted(value for stats in self.by_type.values() for value in stats.latencies_ms)

    @property
    def elapsed(self) -> float:
        """Seconds from the first event sent to the last one delivered."""
        if not self.delivered_ids:
            return 0.0
        return max(self.last_delivered - self.first_sent, 1e-9)


def _lines(path: Path) -> Iterator[list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    for line in text.splitlines():
        if line:
            yield line.split("\t")


def read_stats(producer: Path, consumers: Iterable[Path]) -> DemoStats:
    """Read the record files of a finished run."""
    by_type: dict[str, TypeStats] = {}
    produced_ids: set[str] = set()
    first_sent = math.inf
    for event_id, event_type, sent in _lines(producer):
        produced_ids.add(event_id)
        by_type.setdefault(event_type, TypeStats(event_type)).produced += 1
        first_sent = min(first_sent, float(sent))

    delivered_ids: set[str] = set()
    failed: Counter[str] = Counter()
    failed_attempts = duplicates = 0
    last_delivered = 0.0
    latencies: dict[str, list[float]] = defaultdict(list)
    calls = [row for path in consumers for row in _lines(path)]
    for event_id, _type, _latency, outcome, _received in calls:
        if outcome == FAILED:
            failed[event_id] += 1
            failed_attempts += 1
    for event_id, event_type, latency_us, outcome, received in calls:
        if outcome == FAILED:
            continue
        if event_id in delivered_ids:
            duplicates += 1
            continue
        delivered_ids.add(event_id)
        stats = by_type.setdefault(event_type, TypeStats(event_type))
        stats.delivered += 1
        stats.retried += 1 if event_id in failed else 0
        latencies[event_type].append(int(latency_us) / 1000)
        last_delivered = max(last_delivered, float(received))
    for event_type, values in latencies.items():
        by_type[event_type].latencies_ms = values
    return DemoStats(
        by_type=dict(sorted(by_type.items())),
        produced_ids=produced_ids,
        delivered_ids=delivered_ids,
        failed_attempts=failed_attempts,
        duplicates=duplicates,
        first_sent=first_sent if produced_ids else 0.0,
        last_delivered=last_delivered,
    )
