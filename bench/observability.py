"""The cost of tracing and metrics on the produce and consume paths of the embedded or Redis bus.

    .venv/bin/python bench/observability.py            # about four minutes
    .venv/bin/python bench/observability.py --bus redis --url redis://127.0.0.1:6379/0
    .venv/bin/python bench/observability.py --quick    # a smoke test
    .venv/bin/python bench/observability.py --against ../old/src   # beside another checkout
    .venv/bin/python bench/observability.py --modes sampled         # absent and sampled only
    .venv/bin/python bench/observability.py --count --events 5000   # instructions, by callgrind

Each mode runs in a process of its own, on a fresh SQLite bus file (``--bus redis``: on
streams of its own, deleted after it):

* ``absent``: neither ``opentelemetry`` nor ``prometheus_client`` can be imported (the floor);
* ``off``: both installed, no tracer provider set, ``EVENT_BUS_METRICS=false``;
* ``metrics``: prometheus-client counting; ``tracing``: the OpenTelemetry SDK recording every
  span (to an exporter that drops them, so exporting costs nothing); ``sampled``: tracing with
  the SDK sampling 1% of traces (``ParentBased(TraceIdRatioBased(0.01))``), as busy sites run
  it; ``both``: metrics and tracing of every span; ``both-sampled``: metrics and 1% sampling.

The tracing modes also time the SDK's own floor in the same process: starting and ending one
span with no attributes through the same tracer provider, which no instrumentation can undercut.
``sampled`` also times, per record, making a sampled-out trace context current and undoing
it: the API's least (a span context, its span, attach, detach) and the consumer's own path.

Produce is ``send_event`` through ``EVENT_BUS_PRODUCER_CONFIG`` (the create span, the send span,
the header), one event per call as services send them; consume is one ``BusConsumer`` delivering
the same events to a receiver that does nothing (on Redis, the bus's own consumer factory with
its default batch). Figures are CPU time of the process (less disturbed by other work on a
shared machine than wall time; on Redis the server's work is not counted), the best of
``--repeat`` runs, or with ``--median`` their median: where the machine's speed comes and goes
between runs, the best is a lucky run's and the median the steadier figure. Each round runs
every mode once, back to back; with ``--median`` a mode's share over "absent" is the median
of its rounds' own shares, each against the "absent" of the same round, so a slow spell of
the machine moves both sides of a share. ``--cpu N`` runs every process on CPU ``N`` alone.

``--count`` runs each mode's process once under valgrind's callgrind instead and reports
instructions per event: figures that do not move between runs or machines of one build (the
SDK's random ids are seeded), where timings on a shared machine vary by a tenth or more.
Each figure is the code between one pair of the child's ``time.process_time()`` calls, whose
order is the order of its figures; callgrind dumps its counts at each call.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MODES = ("absent", "off", "metrics", "tracing", "sampled", "both", "both-sampled")
_TRACED = ("tracing", "sampled", "both", "both-sampled")
TOPIC = "bench-observed"


def _measure(mode: str, events: int, path: Path, url: str | None = None) -> dict[str, float]:
    """CPU µs per event of producing and consuming ``events`` in ``mode``; Redis at ``url``.

    Every figure is timed between two ``time.process_time()`` calls, in the order of the
    figures returned, and nothing else calls it: ``--count`` relies on both.
    """
    if mode == "absent":
        sys.modules["opentelemetry"] = None  # type: ignore[assignment]
        sys.modules["prometheus_client"] = None  # type: ignore[assignment]
    if mode in ("off", "tracing", "sampled"):
        os.environ["EVENT_BUS_METRICS"] = "false"
    if mode in _TRACED:
        from opentelemetry import trace  # noqa: PLC0415
        from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
        from opentelemetry.sdk.trace.export import (  # noqa: PLC0415
            SimpleSpanProcessor,
            SpanExporter,
            SpanExportResult,
        )

        class Drop(SpanExporter):
            def export(self, spans: Any) -> SpanExportResult:
                return SpanExportResult.SUCCESS

        from opentelemetry.sdk.trace.sampling import (  # noqa: PLC0415
            ParentBased,
            TraceIdRatioBased,
        )

        sampler = ParentBased(TraceIdRatioBased(1.0 if mode in ("tracing", "both") else 0.01))
        provider = TracerProvider(sampler=sampler)
        provider.add_span_processor(SimpleSpanProcessor(Drop()))
        trace.set_tracer_provider(provider)

    from openedx_events.event_bus import connect_producer_receivers  # noqa: PLC0415
    from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL  # noqa: PLC0415
    from openedx_events.samples import sample_event_data  # noqa: PLC0415

    prefix = f"bench-observability-{os.getpid()}-{time.time_ns()}"
    _configure_bus(SIGNAL.event_type, path, url, prefix)
    connect_producer_receivers()
    data = [sample_event_data(SIGNAL, i) for i in range(100)]
    started = time.process_time()
    for i in range(events):
        SIGNAL.send_event(**data[i % 100])
    produce = time.process_time() - started
    consumer = _consumer(url)
    try:
        started = time.process_time()
        stats = consumer.run(until_idle=True)
        consume = time.process_time() - started
    finally:
        if url is not None:
            import redis  # noqa: PLC0415

            client = redis.Redis.from_url(url)
            for key in client.scan_iter(f"{prefix}*"):
                client.delete(key)
    assert stats.delivered == events, stats
    figures = {"produce_us": produce / events * 1e6, "consume_us": consume / events * 1e6}
    if mode in ("tracing", "sampled"):  # the floors reported
        figures["span_floor_us"] = _span_floor(events)
    if mode == "sampled":
        figures.update(_context_floor(events))
    return figures


def _configure_bus(event_type: str, path: Path, url: str | None, prefix: str) -> None:
    from openedx_events import configure  # noqa: PLC0415  (after the modules are blocked)

    routing = {event_type: {TOPIC: {"event_key_field": None, "enabled": True}}}
    if url is None:
        configure(EVENT_BUS_SQLITE_PATH=str(path), EVENT_BUS_PRODUCER_CONFIG=routing)
        return
    configure(
        EVENT_BUS_PRODUCER="openedx_events.event_bus.redis.create_producer",
        EVENT_BUS_REDIS_CONNECTION_URL=url,
        EVENT_BUS_TOPIC_PREFIX=prefix,
        EVENT_BUS_REDIS_STREAM_MAX_LEN=0,  # keep every event the run wrote
        EVENT_BUS_PRODUCER_CONFIG=routing,
    )


def _consumer(url: str | None) -> Any:
    from openedx_events.event_bus import BusConsumer, get_backend  # noqa: PLC0415

    if url is None:
        return BusConsumer(get_backend(), topic=TOPIC, group_id="bench", batch_size=500)
    from openedx_events.event_bus.redis import create_consumer  # noqa: PLC0415

    return create_consumer(topic=TOPIC, group_id="bench")


def _span_floor(count: int) -> float:
    """CPU µs to start and end one span, no attributes, with the process's tracer provider."""
    from opentelemetry import trace  # noqa: PLC0415

    tracer = trace.get_tracer("bench")
    started = time.process_time()
    for _ in range(count):
        tracer.start_span("floor").end()
    return (time.process_time() - started) / count * 1e6


def _context_floor(count: int) -> dict[str, float]:
    """CPU µs a sampled-out record's trace context costs, made current and undone, two ways.

    ``context_floor_us``: the least the API allows: a ``SpanContext`` from ids already parsed,
    its ``NonRecordingSpan``, attached and detached. ``context_path_us``: the consumer's own
    path, from the ``traceparent`` header (checked, not parsed) to the context undone.
    """
    from opentelemetry import context, trace  # noqa: PLC0415

    from openedx_events._private.observability import trace_context, tracing  # noqa: PLC0415

    ids = [(i + 1 << 64 | 0x0AF7651916CD43DD, i + 1) for i in range(count)]
    headers = [{"id": "x", "traceparent": f"00-{t:032x}-{s:016x}-00"} for t, s in ids]
    flags = trace.TraceFlags(0)
    started = time.process_time()
    for trace_id, span_id in ids:
        parent = trace.SpanContext(trace_id, span_id, is_remote=True, trace_flags=flags)
        token = context.attach(trace.set_span_in_context(trace.NonRecordingSpan(parent)))
        context.detach(token)
    floor = (time.process_time() - started) / count * 1e6
    spans = tracing.ProcessSpans("sqlite", TOPIC, "bench")
    if not hasattr(spans, "enter_unsampled"):  # --against an older checkout
        return {"context_floor_us": floor}
    leave = trace_context.leave
    started = time.process_time()
    for each in headers:
        leave(spans.enter_unsampled(each))
    path = (time.process_time() - started) / count * 1e6
    return {"context_floor_us": floor, "context_path_us": path}


def _run(
    mode: str,
    events: int,
    source: str | None,
    url: str | None,
    *,
    count: bool = False,
    cpu: int | None = None,
) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENT_BUS_")}
    if source is not None:  # another checkout's package shadows the installed one
        env["PYTHONPATH"] = source
    bus = [] if url is None else ["--bus", "redis", "--url", url]
    pinned = [] if cpu is None else ["--cpu", str(cpu)]
    command = [sys.executable, __file__, "--child", mode, "--events", str(events), *bus, *pinned]
    with tempfile.TemporaryDirectory(prefix="bench-observability-") as directory:
        dumps = Path(directory) / "callgrind.out"
        if count:
            env["PYTHONHASHSEED"] = "0"
            command[:0] = [
                "valgrind",
                "--tool=callgrind",
                "--dump-before=time_process_time",
                f"--callgrind-out-file={dumps}",
            ]
            command.append("--seeded")
        result = subprocess.run(
            [*command, directory], check=True, capture_output=True, text=True, env=env
        )
        figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
        if count:
            figures = _counted(figures, dumps, events)
    return figures


def _counted(timed: dict[str, float], dumps: Path, events: int) -> dict[str, float]:
    """``timed``'s figures as thousands of instructions per event, read from callgrind's dumps.

    Dump ``k`` holds what ran since dump ``k - 1``, and one is made before each
    ``process_time()`` call: the code timed by the ``n``-th pair of calls is dump ``2n``.
    """
    totals: dict[int, int] = {}
    for dump in dumps.parent.glob(dumps.name + ".*"):
        with dump.open() as lines:
            summary = next(line for line in lines if line.startswith("summary:"))
        totals[int(dump.suffix[1:])] = int(summary.split()[1])
    return {name: totals[2 * (index + 1)] / events / 1000 for index, name in enumerate(timed)}


def _shares(
    runs: dict[str, list[float]], floor: dict[str, list[float]], paired: bool
) -> dict[str, float]:
    """The produce and consume figures' shares over the floor's: of the bests, or (``paired``)
    the median of the rounds' own shares (round ``i`` is index ``i`` of every list)."""
    names = ("produce_us", "consume_us")
    if paired:
        return {
            name: statistics.median(v / f - 1 for v, f in zip(runs[name], floor[name], strict=True))
            for name in names
        }
    return {name: min(runs[name]) / min(floor[name]) - 1 for name in names}


def _table(
    title: str,
    best: dict[str, dict[str, float]],
    shares: dict[str, dict[str, float]],
    modes: tuple[str, ...],
) -> None:
    print(title)
    print(f"{'mode':<14}{'produce':>12}{'':>9}{'consume':>12}{'':>9}")
    for mode in modes:
        row = best[mode]
        cells = [
            f"{row[name]:>12.1f}{shares[mode][name] * 100:>+8.1f}%"
            for name in ("produce_us", "consume_us")
        ]
        print(f"{mode:<14}{''.join(cells)}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--against",
        metavar="SRC",
        help="also measure the package in SRC (another checkout's src/), interleaved",
    )
    parser.add_argument(
        "--modes",
        default=",".join(MODES),
        help="comma-separated modes to run (absent is always run: the others are against it)",
    )
    parser.add_argument("--bus", choices=("sqlite", "redis"), default="sqlite")
    parser.add_argument(
        "--url", default="redis://127.0.0.1:6379/0", help="the Redis of --bus redis"
    )
    parser.add_argument(
        "--median",
        action="store_true",
        help="report each figure's median over the runs instead of the best (a noisy machine)",
    )
    parser.add_argument(
        "--count",
        action="store_true",
        help="count instructions with callgrind (valgrind) instead of timing: one run a mode",
    )
    parser.add_argument(
        "--cpu", type=int, help="run every measured process on this CPU alone (Linux)"
    )
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--seeded", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("directory", nargs="?")
    return parser


def main() -> None:
    parser = _parser()
    args = parser.parse_args()
    url = args.url if args.bus == "redis" else None
    if args.child:
        _child(args, url)
        return
    events = args.events or (2_000 if args.quick else 20_000)
    repeat = 1 if args.quick or args.count else args.repeat
    if args.count and shutil.which("valgrind") is None:
        parser.error("--count needs valgrind (Debian: apt install valgrind)")
    sources: dict[str, str | None] = {"this": None}
    if args.against:
        sources["against"] = str(Path(args.against).resolve())
    chosen = {m.strip() for m in args.modes.split(",") if m.strip()} | {"absent"}
    if not chosen <= set(MODES):
        parser.error(f"unknown mode(s): {', '.join(sorted(chosen - set(MODES)))}")
    modes = tuple(m for m in MODES if m in chosen)
    runs: dict[str, dict[str, dict[str, list[float]]]] = {name: {} for name in sources}
    for _ in range(repeat):
        for mode in modes:  # interleaved, so a busy spell of the machine hits every mode
            for name, source in sources.items():
                figures = _run(mode, events, source, url, count=args.count, cpu=args.cpu)
                kept = runs[name].setdefault(mode, {})
                for figure, value in figures.items():
                    kept.setdefault(figure, []).append(value)
    pick = statistics.median if args.median else min
    best = {
        name: {mode: {f: pick(v) for f, v in figures.items()} for mode, figures in by_mode.items()}
        for name, by_mode in runs.items()
    }
    floor = runs["this"]["absent"]
    shares = {
        name: {mode: _shares(figures, floor, args.median) for mode, figures in by_mode.items()}
        for name, by_mode in runs.items()
    }
    if args.count:
        unit, how = "k instructions", "counted by callgrind"
    else:
        unit, how = "µs", f"CPU time, {'median' if args.median else 'best'} of {repeat}"
    if args.median and not args.count:
        how += ", shares the median of each round's own"
    print(f"{events:,} events on the {args.bus} bus, {how}; {unit} per event")
    _report(best, shares, modes, unit, sources.get("against"))


def _child(args: argparse.Namespace, url: str | None) -> None:
    """One measured process: its figures as a line of JSON."""
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    if args.seeded:
        random.seed(0)  # the SDK's trace and span ids, and so its sampling decisions
    path = Path(args.directory) / "bus.db"
    print(json.dumps(_measure(args.child, args.events, path, url)))


def _report(
    best: dict[str, dict[str, dict[str, float]]],
    shares: dict[str, dict[str, dict[str, float]]],
    modes: tuple[str, ...],
    unit: str,
    against: str | None,
) -> None:
    floor = best["this"]["absent"]
    _table("this checkout, over 'absent'", best["this"], shares["this"], modes)
    if against is not None:
        title = f"against {against} (over this checkout's 'absent')"
        _table(title, best["against"], shares["against"], modes)
    for mode in ("tracing", "sampled"):
        if mode not in modes:
            continue
        floor_us = best["this"][mode]["span_floor_us"]
        print(
            f"SDK floor ({mode}): one span started and ended, no attributes: {floor_us:.1f} {unit}"
            f" = {floor_us / floor['consume_us'] * 100:.0f}% of an 'absent' consume"
        )
    if "sampled" in modes:
        sampled = best["this"]["sampled"]
        for name, what in (
            ("context_floor_us", "API floor: SpanContext, NonRecordingSpan, attach, detach"),
            ("context_path_us", "the consumer's path from the header"),
        ):
            print(
                f"A sampled-out record's context ({what}): {sampled[name]:.2f} {unit}"
                f" = {sampled[name] / floor['consume_us'] * 100:.1f}% of an 'absent' consume"
            )


if __name__ == "__main__":
    main()
