"""Stopping on SIGTERM/SIGINT: the handler never deadlocks the thread it interrupts."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from openedx_events.event_bus._private.shutdown import stop_on_signals

# A signal handler runs between two bytecodes of the main thread, which may be inside
# ``stop.wait()`` holding the event's lock. The child calls the installed handler in exactly
# that state; a handler that set the event directly would hang there for ever.
_HANDLER_INSIDE_WAIT = textwrap.dedent(
    """
    import signal, sys, threading
    from openedx_events.event_bus._private.shutdown import stop_on_signals

    stop = threading.Event()
    with stop_on_signals(stop):
        handler = signal.getsignal(signal.SIGTERM)
        with stop._cond:  # what Event.wait() holds while the signal lands
            handler(signal.SIGTERM, None)
        sys.exit(0 if stop.wait(5) else 3)
    """
)

# Real processes stopped by signals.
pytestmark = pytest.mark.slow


def test_a_signal_landing_inside_stop_wait_stops_without_deadlock() -> None:
    """The handler returns at once even while its thread holds the event's lock."""
    child = subprocess.run(
        [sys.executable, "-c", _HANDLER_INSIDE_WAIT],
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert child.returncode == 0, child.stderr


def test_the_first_signal_sets_stop_and_the_handlers_come_back() -> None:
    """SIGTERM sets ``stop``; a second signal acts as before; leaving restores the handlers."""
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    stop = threading.Event()
    with stop_on_signals(stop):
        assert signal.getsignal(signal.SIGTERM) not in before
        signal.raise_signal(signal.SIGTERM)
        assert stop.wait(5)
        assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_outside_the_main_thread_nothing_is_installed() -> None:
    """Handlers can only be installed from the main thread; elsewhere the block just runs."""
    seen: list[object] = []
    stop = threading.Event()

    def run() -> None:
        with stop_on_signals(stop):
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert seen == [before]
    assert not stop.is_set()
