"""A producer or consumer process for the multi-process tests (run as a script).

    _bus_worker.py produce TOPIC COUNT START [--one-by-one SENT] [--delay S]
    _bus_worker.py consume TOPIC GROUP NAME OUT [--delay S] [--fail-first N] [--always-fail-mod K]

The bus file and the other settings come from the environment (EVENT_BUS_SQLITE_PATH, ...).
The consumer appends one line per delivered event id to OUT, with one unbuffered write each,
so the lines survive a kill -9. With ``--one-by-one`` the producer sends each event on its own
and appends its id to SENT once the bus accepted it; a send the bus refused (it raised
EventBusStorageError) is tried again, as an application that must not lose the event would.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from openedx_events.event_bus import (
    BusProducer,
    EventBusStorageError,
    RetryPolicy,
    get_producer,
    make_single_consumer,
)
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL
from openedx_events.samples import sample_event_data


def produce_one_by_one(topic: str, count: int, start: int, sent: str, delay: float) -> None:
    producer = get_producer()
    out = os.open(sent, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    for index in range(start, start + count):
        metadata = SIGNAL.generate_signal_metadata()
        while True:
            try:
                producer.send(
                    signal=SIGNAL,
                    topic=topic,
                    event_key_field=SIGNAL.event_key_field,
                    event_data=sample_event_data(SIGNAL, index),
                    event_metadata=metadata,
                )
                break
            except EventBusStorageError:
                time.sleep(0.05)
        os.write(out, f"{metadata.id}\n".encode())
        if delay:
            time.sleep(delay)
    producer.prepare_for_shutdown()


def produce(topic: str, count: int, start: int) -> None:
    producer = get_producer()
    assert isinstance(producer, BusProducer)
    for first in range(start, start + count, 50):
        events = [
            (sample_event_data(SIGNAL, i), SIGNAL.generate_signal_metadata())
            for i in range(first, min(first + 50, start + count))
        ]
        producer.send_batch(
            signal=SIGNAL, topic=topic, event_key_field=SIGNAL.event_key_field, events=events
        )


def consume(args: argparse.Namespace) -> None:
    out = os.open(args.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    attempts: dict[str, int] = {}

    def receiver(metadata: Any, **kwargs: Any) -> None:
        event_id = str(metadata.id)
        attempts[event_id] = attempts.get(event_id, 0) + 1
        if args.always_fail_mod and metadata.id.int % args.always_fail_mod == 0:
            raise ValueError(f"event {event_id} is refused")
        if attempts[event_id] <= args.fail_first:
            raise ConnectionError(f"attempt {attempts[event_id]} of {event_id} failed")
        if args.delay:
            time.sleep(args.delay)
        os.write(out, f"{event_id}\n".encode())

    SIGNAL.connect(receiver, weak=False)
    consumer = make_single_consumer(
        topic=args.topic,
        group_id=args.group,
        consumer_name=args.name,
        retry=RetryPolicy(max_attempts=3, initial_delay=0.001, max_delay=0.005),
        batch_size=20,
        poll_interval=0.02,
    )
    consumer.consume_indefinitely()


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    producing = commands.add_parser("produce")
    producing.add_argument("topic")
    producing.add_argument("count", type=int)
    producing.add_argument("start", type=int)
    producing.add_argument("--one-by-one", metavar="SENT")
    consuming = commands.add_parser("consume")
    for name in ("topic", "group", "name", "out"):
        consuming.add_argument(name)
    for command in (producing, consuming):
        command.add_argument("--delay", type=float, default=0.0)
    consuming.add_argument("--fail-first", type=int, default=0)
    consuming.add_argument("--always-fail-mod", type=int, default=0)
    args = parser.parse_args()
    if args.command == "produce" and args.one_by_one:
        produce_one_by_one(args.topic, args.count, args.start, args.one_by_one, args.delay)
    elif args.command == "produce":
        produce(args.topic, args.count, args.start)
    else:
        consume(args)


if __name__ == "__main__":
    main()
