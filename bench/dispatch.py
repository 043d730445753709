"""In-process dispatch throughput: ``send_event`` with 0, 1 and 10 no-op receivers.

For five catalog events it measures, in the same run:

* ``ours``: this package's ``OpenEdxPublicSignal.send_event`` (robust, the default);
* ``floor (stdlib uuid1)``: a plain loop doing the least any dispatcher must do per event: the
  same metadata as a plain dict (a version-1 UUID from ``uuid.uuid1()``, the current UTC time
  and the signal's five fixed values), then a call of every receiver with the same keyword
  arguments, collecting ``(receiver, response)`` pairs;
* ``floor (fast uuid1)``: the same loop with this package's own uuid1 generator, which is the
  honest floor for us (the standard library's uuid1 locks a clock file on every call);
* ``reference``: openedx-events 11.2.0 with Django, in its own Python 3.12 virtualenv (see
  ``reference_env.py``), sending the very same payloads.

Every figure is the best of several timed batches, taken over three rounds (ours, then the
reference, three times over), in events per second.

    .venv/bin/python bench/dispatch.py            # full run, prints a Markdown table
    .venv/bin/python bench/dispatch.py --quick    # shorter batches, for a smoke test
    .venv/bin/python bench/dispatch.py --json out.json
"""

from __future__ import annotations

import argparse
import inspect
import json
import platform
import socket
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs
from opaque_keys import OpaqueKey
from reference_env import run_reference

import openedx_events
from openedx_events._private.uuid1 import uuid1 as fast_uuid1
from openedx_events.samples import sample_event_data
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

EVENTS = (
    "STUDENT_REGISTRATION_COMPLETED",
    "COURSE_ENROLLMENT_CREATED",
    "XBLOCK_PUBLISHED",
    "CERTIFICATE_CREATED",
    "TRACKING_EVENT_EMITTED",
)
RECEIVER_COUNTS = (0, 1, 10)
IMPLEMENTATIONS = ("ours", "floor (stdlib uuid1)", "floor (fast uuid1)", "reference")


# --- shared by both sides: this function's source also runs in the reference virtualenv ---


def measure(send: Callable[[], object], batch: int, repeats: int) -> float:
    """Best events per second of ``repeats`` timed batches of ``batch`` calls of ``send``."""
    from time import perf_counter  # noqa: PLC0415  (the source is shipped to another process)

    for _ in range(batch // 10):  # warm caches and the specializing interpreter
        send()
    best = float("inf")
    for _ in range(repeats):
        start = perf_counter()
        for _ in range(batch):
            send()
        best = min(best, perf_counter() - start)
    return batch / best


def make_receivers(count: int) -> list[Callable[..., None]]:
    """``count`` distinct no-op receivers."""

    def make() -> Callable[..., None]:
        def receiver(**kwargs: object) -> None:
            return None

        return receiver

    return [make() for _ in range(count)]


# --- payloads, carried to the reference as JSON -------------------------------------------


def to_portable(value: Any) -> Any:  # noqa: PLR0911  (one return per kind of value)
    """A JSON form of a catalog payload, from which the reference rebuilds its own classes."""
    if attrs.has(type(value)):
        cls = type(value)
        return {
            "__class__": f"{cls.__module__}.{cls.__qualname__}",
            "fields": {
                field.name: to_portable(getattr(value, field.name)) for field in attrs.fields(cls)
            },
        }
    if isinstance(value, OpaqueKey):
        cls = type(value)
        return {"__key__": f"{cls.__module__}.{cls.__qualname__}", "value": str(value)}
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"__uuid__": str(value)}
    if isinstance(value, list):
        return [to_portable(item) for item in value]
    if isinstance(value, dict):
        return {"__dict__": {key: to_portable(item) for key, item in value.items()}}
    return value


_REFERENCE_SCRIPT = """
import importlib
import uuid
from datetime import datetime


def _load(path):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def from_portable(value):
    if isinstance(value, list):
        return [from_portable(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "__class__" in value:
        fields = {name: from_portable(item) for name, item in value["fields"].items()}
        return _load(value["__class__"])(**fields)
    if "__key__" in value:
        return _load(value["__key__"]).from_string(value["value"])
    if "__datetime__" in value:
        return datetime.fromisoformat(value["__datetime__"])
    if "__uuid__" in value:
        return uuid.UUID(value["__uuid__"])
    return {key: from_portable(item) for key, item in value["__dict__"].items()}


from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

load_all_signals()
PLAN = __PLAN__
results = {}
for event_type, payload in PLAN["payloads"].items():
    signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
    data = {name: from_portable(item) for name, item in payload.items()}
    for count in PLAN["counts"]:
        receivers = make_receivers(count)
        for receiver in receivers:
            signal.connect(receiver, weak=False)
        signal.send_event(**data)  # fails loudly if the payload does not fit
        results[f"{event_type} {count}"] = measure(
            lambda: signal.send_event(**data), PLAN["batch"], PLAN["repeats"]
        )
        for receiver in receivers:
            signal.disconnect(receiver)
emit(results)
"""


def measure_reference(
    payloads: dict[str, dict[str, Any]], batch: int, repeats: int
) -> dict[str, float]:
    """Events per second of the reference, keyed ``"<event type> <receivers>"``."""
    plan = {"payloads": payloads, "counts": list(RECEIVER_COUNTS), "batch": batch,
            "repeats": repeats}  # fmt: skip
    script = (
        inspect.getsource(measure)
        + "\n\n"
        + inspect.getsource(make_receivers)
        + _REFERENCE_SCRIPT.replace("__PLAN__", repr(json.dumps(plan)).join(("json.loads(", ")")))
    )
    script = "import json\nfrom collections.abc import Callable\n\n" + script
    result: dict[str, float] = run_reference(script)
    return result


# --- our side ------------------------------------------------------------------------------


def floor_sender(
    signal: OpenEdxPublicSignal,
    receivers: list[Callable[..., None]],
    data: dict[str, Any],
    make_id: Callable[[], uuid.UUID],
) -> Callable[[], object]:
    """The least a dispatcher does per event: its metadata, every receiver called.

    The metadata is a plain dict of the seven values ``send_event`` stamps: a fresh id and
    UTC time, and five values that are the same for every event of the signal.
    """
    now = datetime.now
    event_type = signal.event_type
    minorversion = signal.minor_version
    source = "openedx/SERVICE_NAME_UNSET/web"
    sourcehost = socket.gethostname()
    sourcelib = tuple(int(part) for part in openedx_events.__version__.split("."))

    def send() -> list[tuple[Callable[..., None], Any]]:
        metadata = {
            "event_type": event_type,
            "id": make_id(),
            "minorversion": minorversion,
            "source": source,
            "sourcehost": sourcehost,
            "time": now(UTC),
            "sourcelib": sourcelib,
        }
        responses = []
        for receiver in receivers:
            try:
                response = receiver(
                    signal=signal, sender=None, metadata=metadata, from_event_bus=False, **data
                )
            except Exception as error:  # the same isolation as a robust send
                response = error
            responses.append((receiver, response))
        return responses

    return send


def measure_ours(
    signals: dict[str, OpenEdxPublicSignal], batch: int, repeats: int
) -> dict[str, dict[str, float]]:
    """Events per second of ours and of both floors, keyed like :func:`measure_reference`."""
    results: dict[str, dict[str, float]] = {name: {} for name in IMPLEMENTATIONS[:3]}
    for event_type, signal in signals.items():
        data = sample_event_data(signal)
        for count in RECEIVER_COUNTS:
            key = f"{event_type} {count}"
            receivers = make_receivers(count)
            for receiver in receivers:
                signal.connect(receiver, weak=False)
            results["ours"][key] = measure(
                lambda signal=signal, data=data: signal.send_event(**data), batch, repeats
            )
            results["floor (stdlib uuid1)"][key] = measure(
                floor_sender(signal, receivers, data, uuid.uuid1), batch // 4, repeats
            )
            results["floor (fast uuid1)"][key] = measure(
                floor_sender(signal, receivers, data, fast_uuid1), batch, repeats
            )
            for receiver in receivers:
                signal.disconnect(receiver)
    return results


def report(signals: dict[str, OpenEdxPublicSignal], results: dict[str, dict[str, float]]) -> str:
    """The figures as a Markdown table, with the ratios the targets are stated in."""
    lines = [
        "| event | receivers | ours | floor (stdlib uuid1) | floor (fast uuid1) | reference "
        "| ours / reference | fast floor / ours |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for event_type, signal in signals.items():
        for count in RECEIVER_COUNTS:
            key = f"{event_type} {count}"
            figures = [results[name][key] for name in IMPLEMENTATIONS]
            ours, _, fast_floor, reference = figures
            lines.append(
                f"| {signal.signal_name} | {count} | "
                + " | ".join(f"{figure:,.0f}" for figure in figures)
                + f" | {ours / reference:.1f}x | {fast_floor / ours:.2f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short batches (a smoke test)")
    parser.add_argument("--json", metavar="PATH", help="also write the raw figures here")
    args = parser.parse_args(argv)
    batch, repeats, rounds = (5_000, 2, 1) if args.quick else (30_000, 3, 3)

    load_all_signals()
    signals = {
        signal.event_type: signal
        for signal in OpenEdxPublicSignal.all_events()
        if signal.signal_name in EVENTS
    }
    payloads = {
        event_type: {name: to_portable(value) for name, value in sample_event_data(signal).items()}
        for event_type, signal in signals.items()
    }
    started = time.perf_counter()
    # Whole rounds, ours then the reference, each cell keeping its best: a disturbance on a
    # shared machine then has to last through every round to move a figure.
    results: dict[str, dict[str, float]] = {}
    for _ in range(rounds):
        measured = measure_ours(signals, batch, repeats)
        measured["reference"] = measure_reference(payloads, batch, repeats)
        for name, figures in measured.items():
            best = results.setdefault(name, {})
            for key, figure in figures.items():
                best[key] = max(best.get(key, 0.0), figure)
    print(
        f"Python {platform.python_version()} (ours), {rounds} round(s) of batches of "
        f"{batch:,} x {repeats}, {time.perf_counter() - started:.0f} s; "
        "figures in events per second\n",
        file=sys.stderr,
        flush=True,
    )
    print(report(signals, results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
