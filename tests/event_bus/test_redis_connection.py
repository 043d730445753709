"""Reaching Redis: passwords, ACL users, TLS, timeouts, and what a producer does when it cannot.

Each test that needs a server of its own (with a password, with TLS, or one that appears only
later) starts a redis-server on a free port.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from _redis_server import REDIS_SERVER, RedisServer, free_port
from openedx_events import configure
from openedx_events.event_bus import (
    BusProducer,
    EventBusStorageError,
    EventNotPublishedError,
    Message,
    connect_producer_receivers,
    get_producer,
)
from openedx_events.event_bus._private.spool import Spool
from openedx_events.event_bus.redis import RedisBackend
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED
from openedx_events.samples import sample_event_data

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")

SIGNAL = COURSE_ENROLLMENT_CREATED


def _message(i: int) -> Message:
    return Message(headers={"type": "t", "id": f"id-{i}"}, payload=b"x")


def _round_trip(backend: RedisBackend) -> None:
    backend.append("t", [_message(0), _message(1)])
    records = backend.claim("t", "g", "c")
    assert [r.headers["id"] for r in records] == ["id-0", "id-1"]
    assert backend.commit("t", "g", "c", records)


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[RedisServer]:
    """A server with a default-user password and an ACL user ``alice``."""
    server = RedisServer(
        tmp_path / "secured",
        ["--requirepass", "s3cret", "--user", "alice", "on", ">wonderland", "~*", "&*", "+@all"],
    ).start()
    yield server
    server.stop()


def test_a_password_and_an_acl_user_in_the_url_authenticate(secured: RedisServer) -> None:
    for url in (
        f"redis://:s3cret@127.0.0.1:{secured.port}/0",
        f"redis://alice:wonderland@127.0.0.1:{secured.port}/1",
    ):
        backend = RedisBackend(url)
        assert "s3cret" not in backend.name
        assert "wonderland" not in backend.name
        _round_trip(backend)
        backend.close()


def test_wrong_credentials_are_a_storage_error_that_hides_the_password(
    secured: RedisServer,
) -> None:
    backend = RedisBackend(f"redis://alice:not-the-password@127.0.0.1:{secured.port}/0")
    with pytest.raises(EventBusStorageError, match="refused the credentials") as raised:
        backend.append("t", [_message(0)])
    assert "not-the-password" not in str(raised.value)
    backend.close()


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_a_rediss_url_talks_tls(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    tls_port = free_port()
    server = RedisServer(
        tmp_path / "tls",
        [
            "--port",
            "0",
            "--tls-port",
            str(tls_port),
            "--tls-cert-file",
            str(cert),
            "--tls-key-file",
            str(key),
            "--tls-ca-cert-file",
            str(cert),
            "--tls-auth-clients",
            "no",
        ],
    ).start(wait_port=tls_port)
    try:
        backend = RedisBackend(f"rediss://127.0.0.1:{tls_port}/0", ssl_ca_certs=str(cert))
        _round_trip(backend)
        backend.close()
        plain = RedisBackend(f"redis://127.0.0.1:{tls_port}/0", socket_timeout=1.0)
        with pytest.raises(EventBusStorageError):
            plain.append("t", [_message(0)])
        plain.close()
    finally:
        server.stop()


def test_a_server_that_never_answers_fails_the_call_within_the_socket_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections (in the kernel) and never replies
        backend = RedisBackend(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", socket_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(EventBusStorageError, match="unreachable"):
            backend.append("t", [_message(0)])
        assert time.monotonic() - started < 3.0
        backend.close()


def test_without_the_extra_the_error_names_it() -> None:
    program = (
        "import sys; sys.modules['redis'] = None\n"
        "from openedx_events.event_bus.redis import RedisBackend\n"
        "RedisBackend('redis://127.0.0.1:1/0')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "openedx-events[redis]" in result.stderr


@pytest.fixture
def routed(bus_settings: Path) -> int:
    """Settings routing enrollments to a Redis bus on a port where nothing listens yet."""
    port = free_port()
    configure(
        EVENT_BUS_PRODUCER="openedx_events.event_bus.redis.create_producer",
        EVENT_BUS_REDIS_CONNECTION_URL=f"redis://127.0.0.1:{port}/0",
        EVENT_BUS_REDIS_SOCKET_TIMEOUT=0.5,
        EVENT_BUS_PRODUCER_CONFIG={
            SIGNAL.event_type: {"enrollments": {"event_key_field": None, "enabled": True}}
        },
    )
    return port


def test_send_event_raises_when_redis_is_unreachable_and_no_spool_is_set(routed: int) -> None:
    connect_producer_receivers()
    with pytest.raises(EventNotPublishedError, match="was not published to enrollments"):
        SIGNAL.send_event(**sample_event_data(SIGNAL, 0))


def test_with_a_spool_events_wait_on_disk_and_reach_redis_in_order_once_it_is_up(
    routed: int, tmp_path: Path
) -> None:
    configure(EVENT_BUS_SPOOL_PATH=str(tmp_path / "spool.db"))
    connect_producer_receivers()
    sent = [SIGNAL.send_event(**sample_event_data(SIGNAL, i)) for i in range(5)]
    producer = get_producer()
    assert isinstance(producer, BusProducer)
    assert producer.spool is not None
    assert len(producer.spool) == 5
    server = RedisServer(tmp_path / "late", port=routed).start()
    try:
        assert producer.spool.flush(timeout=20)
        backend = RedisBackend(server.url)
        ids = [r.headers["id"] for r in backend.read("enrollments")]
        assert len(ids) == len(sent) == 5
        # Sent after the spool emptied: straight to Redis, behind the spooled ones.
        SIGNAL.send_event(**sample_event_data(SIGNAL, 5))
        assert len(backend.read("enrollments")) == 6
        backend.close()
    finally:
        producer.spool.close()
        server.stop()


def test_a_spool_left_by_an_earlier_process_is_delivered_first(
    redis_backend: RedisBackend, tmp_path: Path
) -> None:
    path = tmp_path / "spool.db"
    down = RedisBackend(f"redis://127.0.0.1:{free_port()}/0", socket_timeout=0.3)
    earlier = Spool(path, down, initial_delay=10.0)
    assert earlier.append("t", [_message(0), _message(1)]) is None
    earlier.close()  # the process ends with two events on disk
    later = Spool(path, redis_backend)
    assert later.flush(timeout=20)
    later.append("t", [_message(2)])
    assert [r.headers["id"] for r in redis_backend.read("t")] == ["id-0", "id-1", "id-2"]
    later.close()
    down.close()


def test_after_a_redis_restart_the_next_call_reconnects_by_itself(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "restarted").start()
    try:
        backend = RedisBackend(server.url)
        backend.append("t", [_message(0), _message(1)])  # pooled connections now exist
        backend.claim("t", "g", "c")
        server.stop()
        with pytest.raises(EventBusStorageError, match="unreachable"):
            backend.append("t", [_message(2)])
        server.start()  # same port, empty (no persistence): the old connections are dead
        backend.append("t", [_message(3)])
        backend.append("t", [_message(4), _message(5)])
        assert [r.headers["id"] for r in backend.claim("t", "g", "c")] == ["id-3", "id-4", "id-5"]
        backend.close()
    finally:
        server.stop()


def test_threads_sending_at_once_each_get_their_own_replies(redis_url: str) -> None:
    """One thread uses the connection kept out of the pool, the others pooled ones."""
    backend = RedisBackend(redis_url)
    errors: list[BaseException] = []

    def send(thread: int) -> None:
        try:
            for i in range(200):
                sent = _message(thread * 1000 + i)
                [position] = backend.append(f"t{thread}", [sent])
                [read] = backend.read(f"t{thread}", after=None, limit=1000)[-1:]
                assert read.position == position
                assert read.headers["id"] == sent.headers["id"]
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [backend.length(f"t{n}") for n in range(4)] == [200] * 4
    backend.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_talks_on_a_connection_of_its_own(redis_url: str) -> None:
    """After a fork, parent and child each read their own replies, never the other's."""
    backend = RedisBackend(redis_url)
    backend.append("forked", [_message(0)])  # the parent's kept connection exists now
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which reports by its exit code
        code = 1
        try:
            for i in range(100):
                backend.append("forked-child", [_message(i)])
            code = 0 if backend.length("forked-child") == 100 else 2
        finally:
            os._exit(code)
    for i in range(100):
        backend.append("forked", [_message(i + 1)])
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert backend.length("forked") == 101
    assert [r.headers["id"] for r in backend.read("forked", limit=3)] == ["id-0", "id-1", "id-2"]
    backend.close()
