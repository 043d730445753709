"""Stopping a consumer cleanly on SIGTERM or SIGINT."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["set_from_signal_handler", "stop_on_signals"]

log = logging.getLogger("openedx_events.event_bus.consumer")

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def set_from_signal_handler(stop: threading.Event) -> None:
    """Set ``stop`` from a signal handler, without the deadlock a direct ``stop.set()`` risks.

    A Python signal handler runs in the main thread between two bytecodes, possibly while
    that thread holds the event's internal lock inside ``stop.wait()``; ``Event.set`` would
    then wait forever for a lock its own thread holds. A short-lived thread takes the lock
    as soon as the interrupted code lets it go.
    """
    threading.Thread(target=stop.set, name="openedx-events-stop", daemon=True).start()


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM/SIGINT while the block runs; a second signal acts as usual.

    Signal handlers can only be installed from the main thread; elsewhere this does nothing,
    and the owner of the thread stops the consumer through ``stop``.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in _SIGNALS}

    def handle(number: int, frame: FrameType | None) -> None:
        log.info("Got %s: finishing the current event, then stopping", signal.Signals(number).name)
        set_from_signal_handler(stop)
        for each, handler in previous.items():  # a second signal is not ignored
            signal.signal(each, handler)

    for number in _SIGNALS:
        signal.signal(number, handle)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
