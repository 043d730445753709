"""The fast uuid1 generator gives valid, unique, time-ordered version-1 UUIDs."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
import uuid

from openedx_events._private.uuid1 import uuid1

GREGORIAN_OFFSET = 0x01B21DD213814000


def test_ids_are_rfc_4122_version_1() -> None:
    """Version 1, RFC 4122 variant, and a node with the multicast bit (not a MAC address)."""
    value = uuid1()
    assert value.version == 1
    assert value.variant == uuid.RFC_4122
    assert value.node & (1 << 40)
    assert uuid.UUID(str(value)) == value
    assert hash(uuid.UUID(str(value))) == hash(value)
    assert uuid.UUID(bytes=value.bytes) == value


def test_the_timestamp_is_now() -> None:
    """The 100 ns timestamp since 1582 matches the wall clock."""
    before = time.time_ns() // 100 + GREGORIAN_OFFSET
    value = uuid1()
    after = time.time_ns() // 100 + GREGORIAN_OFFSET
    assert before <= value.time <= after + 1


def test_timestamps_strictly_increase_within_a_process() -> None:
    """Back-to-back ids never share a timestamp, even within one clock tick."""
    times = [uuid1().time for _ in range(20_000)]
    assert all(a < b for a, b in itertools.pairwise(times))


def test_the_clock_sequence_and_node_are_fixed_per_process() -> None:
    """Only the timestamp varies between ids of one process."""
    first, second = uuid1(), uuid1()
    assert (first.clock_seq, first.node) == (second.clock_seq, second.node)


def test_ids_are_unique_across_threads() -> None:
    """Eight threads drawing at once never get the same id."""
    results: list[list[uuid.UUID]] = [[] for _ in range(8)]

    def draw(out: list[uuid.UUID]) -> None:
        out.extend(uuid1() for _ in range(5_000))

    threads = [threading.Thread(target=draw, args=(out,)) for out in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [value for out in results for value in out]
    assert len(set(everything)) == len(everything)


def _child_ids(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put([str(uuid1()) for _ in range(1_000)])


def test_a_forked_child_draws_new_random_bits() -> None:
    """After fork the child has its own node and clock sequence, so ids never collide."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    parent = uuid1()
    child = context.Process(target=_child_ids, args=(queue,))
    child.start()
    child_ids = [uuid.UUID(text) for text in queue.get(timeout=30)]
    child.join(timeout=30)
    assert child.exitcode == 0
    assert (child_ids[0].node, child_ids[0].clock_seq) != (parent.node, parent.clock_seq)
    assert parent not in child_ids
