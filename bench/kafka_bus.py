"""Throughput and latency of the Kafka bus, beside edx-event-bus-kafka and raw confluent-kafka.

    .venv/bin/python bench/kafka_bus.py             # the full run (about 3 minutes)
    .venv/bin/python bench/kafka_bus.py --quick     # a smaller run
    .venv/bin/python bench/kafka_bus.py --rounds 3  # best of 3 interleaved throughput rounds

All three run in one go on one noida-db broker started for the run, with the Schema Registry
test double of the test suite (no real registry can be installed here; the registry is asked
once per schema, so it does not weigh on the figures):

* ours: ``BusProducer.send_batch`` (batches of 500, each acknowledged by the broker before the
  call returns) and ``BusProducer.send`` (one event, acknowledged, per call); one
  ``BusConsumer`` delivering to a receiver that does nothing; latency from ``metadata.time``
  to the receiver while a steady stream is sent one event at a time.
* the reference: edx-event-bus-kafka 6.2.0 on openedx-events 11.2.0 in its Python 3.12
  virtualenv: ``send`` for each event, then ``prepare_for_shutdown`` (its sends are not
  acknowledged one by one); its ``KafkaEventConsumer``; latency as above.
* the floor: confluent-kafka alone, with our producer's settings, producing the very bytes
  our bus writes (key, value, headers) pipelined and in batches of 500 each flushed, and
  consuming them without decoding (and, beside it, reading each message's key, value,
  headers and time).

Each side first sends 20 events off the clock (topic creation, schema registration, the first
connection), and each consumer's clock runs from the first to the last event produced on the
clock, so neither a group join nor a shutdown is in a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_TESTS = Path(__file__).resolve().parents[1] / "tests" / "event_bus"
sys.path[:0] = [str(_TESTS), str(_TESTS / "kafka")]

from kafka_broker import KafkaBroker  # noqa: E402  (the test suite's broker launcher)
from reference_kafka import reference_kafka_python  # noqa: E402
from schema_registry_double import SchemaRegistryDouble  # noqa: E402

from openedx_events.event_bus import BusConsumer, BusProducer, RetryPolicy  # noqa: E402
from openedx_events.event_bus._private.wire import encode_event  # noqa: E402
from openedx_events.event_bus.avro.serializer import AvroSignalSerializer  # noqa: E402
from openedx_events.event_bus.kafka import KafkaBackend  # noqa: E402
from openedx_events.event_bus.kafka._producer import PRODUCER_DEFAULTS  # noqa: E402
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL  # noqa: E402
from openedx_events.samples import sample_event_data  # noqa: E402

BATCH = 500
SAMPLES = 50
#: Events each side sends (and consumes) before its clocks start.
WARM = 20


def _backend(broker: KafkaBroker, registry: SchemaRegistryDouble) -> KafkaBackend:
    from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: PLC0415

    return KafkaBackend(
        {"bootstrap.servers": broker.bootstrap_servers, "log_level": 2},
        SchemaRegistryClient({"url": registry.url}),
        consumer_config={"session.timeout.ms": 6000},
    )


def _events(count: int) -> list[tuple[dict[str, Any], Any]]:
    data = [sample_event_data(SIGNAL, i) for i in range(SAMPLES)]
    return [(data[i % SAMPLES], SIGNAL.generate_signal_metadata()) for i in range(count)]


def ours(
    broker: KafkaBroker, registry: SchemaRegistryDouble, count: int, suffix: str = ""
) -> dict[str, Any]:
    topic, single_topic = f"ours{suffix}", f"ours-single{suffix}"
    backend = _backend(broker, registry)
    producer = BusProducer(backend)
    data = [sample_event_data(SIGNAL, i) for i in range(SAMPLES)]
    key = SIGNAL.event_key_field
    # Off the clock, as for the others: the topic's creation, the schemas' registration and
    # the first connection. The consumer reads these events too, before its clock starts.
    producer.send_batch(signal=SIGNAL, topic=topic, event_key_field=key, events=_events(WARM))
    producer.send(
        signal=SIGNAL, topic=single_topic, event_key_field=key, event_data=data[0],
        event_metadata=SIGNAL.generate_signal_metadata(),
    )  # fmt: skip
    # The metadata of each event is made on the clock, as the reference's sends make theirs.
    start = time.perf_counter()
    for first in range(0, count, BATCH):
        batch = [
            (data[i % SAMPLES], SIGNAL.generate_signal_metadata())
            for i in range(first, min(count, first + BATCH))
        ]
        producer.send_batch(signal=SIGNAL, topic=topic, event_key_field=key, events=batch)
    batched = count / (time.perf_counter() - start)

    single = min(count, 2000)
    start = time.perf_counter()
    for i in range(single):
        producer.send(
            signal=SIGNAL, topic=single_topic, event_key_field=key,
            event_data=data[i % SAMPLES], event_metadata=SIGNAL.generate_signal_metadata(),
        )  # fmt: skip
    one_by_one = single / (time.perf_counter() - start)

    seen: list[int] = [0]
    first: list[float] = []

    def receiver(**kwargs: Any) -> None:
        seen[0] += 1
        # The clock runs from the first event produced on it to the last, before the shutdown.
        if seen[0] in (WARM + 1, WARM + count):
            first.append(time.perf_counter())

    SIGNAL.connect(receiver, weak=False)
    try:
        consumer = BusConsumer(
            backend, topic=topic, group_id="bench", retry=RetryPolicy(max_attempts=1),
            batch_size=BATCH,
        )  # fmt: skip
        consumer.run(max_events=WARM + count)
        consumed = (count - 1) / (first[1] - first[0])
    finally:
        SIGNAL.disconnect(receiver)
    backend.close()
    return {"produce_batched": batched, "produce_each": one_by_one, "consume": consumed}


def ours_latency(
    broker: KafkaBroker, registry: SchemaRegistryDouble, rate: float, count: int
) -> list[float]:
    backend = _backend(broker, registry)
    backend.append("ours-latency", [])
    latencies: list[float] = []

    def receiver(metadata: Any, **kwargs: Any) -> None:
        latencies.append((datetime.now(UTC) - metadata.time).total_seconds())

    SIGNAL.connect(receiver, weak=False)
    consumer = BusConsumer(
        backend, topic="ours-latency", group_id="latency", poll_interval=0.01,
        retry=RetryPolicy(max_attempts=1),
    )  # fmt: skip
    thread = threading.Thread(target=consumer.run, kwargs={"max_events": count}, daemon=True)
    thread.start()
    producer = BusProducer(_backend(broker, registry))
    time.sleep(3)  # the consumer joins its group first
    for data, metadata in _events(count):
        producer.send(
            signal=SIGNAL, topic="ours-latency", event_key_field=SIGNAL.event_key_field,
            event_data=data, event_metadata=SIGNAL.generate_signal_metadata(),
        )  # fmt: skip
        del metadata
        time.sleep(1 / rate)
    thread.join(timeout=120)
    SIGNAL.disconnect(receiver)
    backend.close()
    return latencies


def floor(
    broker: KafkaBroker, registry: SchemaRegistryDouble, count: int, suffix: str = ""
) -> dict[str, float]:
    """confluent-kafka alone, with our producer's settings, on the bytes our bus writes."""
    from confluent_kafka import Consumer, Producer  # noqa: PLC0415

    backend = _backend(broker, registry)
    kafka = [
        backend.codec.to_kafka(
            "floor", encode_event(SIGNAL, data, metadata, SIGNAL.event_key_field)
        )
        for data, metadata in _events(WARM + count)
    ]
    producer = Producer({"bootstrap.servers": broker.bootstrap_servers, **PRODUCER_DEFAULTS})

    def produce(topic: str, messages: list[Any]) -> None:
        for message in messages:
            while True:
                try:
                    producer.produce(
                        topic, key=message.key, value=message.value, headers=message.headers
                    )
                    break
                except BufferError:
                    producer.poll(0.05)

    figures: dict[str, float] = {}
    for topic, batch in ((f"floor{suffix}", count), (f"floor-batched{suffix}", BATCH)):
        backend.admin.ensure_topic(topic)
        produce(topic, kafka[:WARM])  # off the clock: the topic's metadata, the connection
        producer.flush(60)
        start = time.perf_counter()
        for first in range(WARM, WARM + count, batch):
            produce(topic, kafka[first : first + batch])
            producer.flush(60)
        figures["produce" if batch == count else "produce_batched"] = count / (
            time.perf_counter() - start
        )

    for group, read in (("floor", False), ("floor-read", True)):
        consumer = Consumer(
            {"bootstrap.servers": broker.bootstrap_servers, "group.id": group,
             "auto.offset.reset": "earliest", "enable.auto.commit": False}
        )  # fmt: skip
        consumer.subscribe([f"floor{suffix}"])
        got, started = 0, 0.0
        while got < WARM + count:
            # Never more than what is left: a consume waits until it has as many as asked.
            batch = consumer.consume(min(BATCH, WARM + count - got), timeout=1.0)
            for message in batch:
                if message.error() is None:
                    got += 1
                    if got == WARM + 1:
                        started = time.perf_counter()
                    if read:  # what any consumer must take from a message
                        message.key(), message.value(), message.headers(), message.timestamp()
            if batch:
                consumer.commit(batch[-1], asynchronous=True)
        figures["consume" if not read else "consume_read"] = (count - 1) / (
            time.perf_counter() - started
        )
        consumer.close()
    backend.close()
    return figures


def reference(
    broker: KafkaBroker,
    registry: SchemaRegistryDouble,
    count: int,
    rate: float,
    total: int,
    *,
    suffix: str = "",
) -> dict[str, Any]:
    """The reference's figures; its latency only when ``total`` is not 0."""
    python = reference_kafka_python()
    backend = _backend(broker, registry)
    for topic in (f"ref-throughput{suffix}", "ref-latency"):
        backend.admin.ensure_topic(topic)
    backend.close()
    records = [AvroSignalSerializer(SIGNAL).to_dict(data) for data, _ in _events(SAMPLES)]
    job = {
        "bootstrap_servers": broker.bootstrap_servers,
        "registry_url": registry.url,
        "event_type": SIGNAL.event_type,
        "event_key_field": SIGNAL.event_key_field,
        "records": records,
        "count": count,
        "latency_rate": rate,
        "latency_count": total,
        "join_wait": 3.0,
        "warm": WARM,
        "topic": f"ref-throughput{suffix}",
    }
    with tempfile.TemporaryDirectory() as workdir:
        source, out = Path(workdir) / "job.json", Path(workdir) / "out.json"
        source.write_text(json.dumps(job))
        script = Path(__file__).with_name("_kafka_reference_bench.py")
        # The reference's process must import its own packages, not this checkout's.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "EVENT_BUS_"))}
        subprocess.run(
            [str(python), str(script), str(source), str(out)], check=True, cwd=workdir, env=env
        )
        figures: dict[str, Any] = json.loads(out.read_text())
        return figures


def _quantiles(latencies: list[float]) -> str:
    if not latencies:
        return "nothing delivered"
    ms = sorted(value * 1000 for value in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms ({len(ms)} delivered)"


def _best(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {name: max(run[name] for run in runs) for name in runs[0] if name != "latencies"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer events")
    parser.add_argument(
        "--rounds", type=int, default=1, help="throughput rounds, interleaved; the best is shown"
    )
    args = parser.parse_args()
    count = 5_000 if args.quick else 50_000
    rate, total = 200.0, (400 if args.quick else 2_000)
    our_runs: list[dict[str, Any]] = []
    raw_runs: list[dict[str, Any]] = []
    ref_runs: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory() as workdir,
        SchemaRegistryDouble() as registry,
        KafkaBroker("noida", data_dir=Path(workdir)) as broker,
    ):
        our_latency = ours_latency(broker, registry, rate, total)
        for round_ in range(args.rounds):
            # One round of each side after the other, so that a slow spell of the machine
            # falls on every side alike; only the first round measures the reference's latency.
            suffix = f"-{round_}" if round_ else ""
            our_runs.append(ours(broker, registry, count, suffix))
            raw_runs.append(floor(broker, registry, count, suffix))
            ref_runs.append(
                reference(broker, registry, count, rate, 0 if round_ else total, suffix=suffix)
            )
    our, raw, ref = _best(our_runs), _best(raw_runs), _best(ref_runs)
    rounds = f", best of {args.rounds} rounds" if args.rounds > 1 else ""
    print(f"Kafka bus, {count:,} events of {SIGNAL.event_type} on noida-db (one partition){rounds}")
    print(f"{'measure':<34}{'ours':>14}{'reference':>14}{'raw floor':>14}")
    rows = [
        ("produce, batches of 500 (ev/s)", our["produce_batched"], ref["produce"], raw["produce"]),
        ("produce, one send at a time (ev/s)", our["produce_each"], ref["produce"], raw["produce"]),
        ("consume, one consumer (ev/s)", our["consume"], ref["consume"], raw["consume"]),
    ]
    for name, mine, theirs, bare in rows:
        print(f"{name:<34}{mine:>14,.0f}{theirs:>14,.0f}{bare:>14,.0f}")
    print(
        f"raw floor, batches of {BATCH} each flushed: {raw['produce_batched']:,.0f} ev/s; "
        f"consuming and reading key, value, headers, time: {raw['consume_read']:,.0f} ev/s"
    )
    print(
        f"ours / reference: batched produce {our['produce_batched'] / ref['produce']:.1f}x, "
        f"consume {our['consume'] / ref['consume']:.1f}x; "
        f"raw floor / ours: batched produce {raw['produce'] / our['produce_batched']:.1f}x, "
        f"consume {raw['consume'] / our['consume']:.1f}x"
    )
    if args.rounds > 1:
        for name, runs in (("ours", our_runs), ("reference", ref_runs), ("raw floor", raw_runs)):
            each = "; ".join(
                " / ".join(f"{run[k]:,.0f}" for k in run if k != "latencies") for run in runs
            )
            print(f"rounds, {name} ({' / '.join(k for k in runs[0] if k != 'latencies')}): {each}")
    print(f"latency at {rate:.0f} ev/s, ours:      {_quantiles(our_latency)}")
    print(f"latency at {rate:.0f} ev/s, reference: {_quantiles(ref_runs[0]['latencies'])}")


if __name__ == "__main__":
    main()
