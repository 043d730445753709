"""Receiver bookkeeping with the semantics of Django signals, without needing Django.

Receivers are held weakly by default (a bound method through ``WeakMethod``), keyed by
``dispatch_uid`` or by the receiver's identity, so connecting twice is a no-op. The tuple of
references to call is cached and rebuilt only after a change, keeping dispatch a plain loop;
it holds references, not receivers, so caching never keeps a weakly held receiver alive.
"""

from __future__ import annotations

import inspect
import itertools
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["Receiver", "ReceiverList", "ReceiverRef"]

Receiver = Callable[..., Any]
#: Called with no arguments, returns the receiver, or None once a weakly held one is gone.
ReceiverRef = Callable[[], Receiver | None]
_Key = tuple[Hashable, Hashable]


def _strong_ref(target: Receiver) -> ReceiverRef:
    # A strong reference with a weak reference's call interface (C-level, so as cheap to call).
    return itertools.repeat(target).__next__


def _make_id(target: object) -> Hashable:
    if inspect.ismethod(target):
        return (id(target.__self__), id(target.__func__))
    return id(target)


_NONE_ID = _make_id(None)


def _accepts_kwargs(receiver: Receiver) -> bool:
    try:
        parameters = inspect.signature(receiver).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature; trust them
        return True
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


class ReceiverList:
    """The receivers connected to one signal."""

    def __init__(self) -> None:
        # Each entry: (lookup key, the receiver or a weak reference to it, is_weak).
        self._entries: list[tuple[_Key, Any, bool]] = []
        self._lock = threading.RLock()  # the GC may call _forget_dead while we hold it
        self._refs: tuple[ReceiverRef, ...] | None = None

    def connect(
        self,
        receiver: Receiver,
        sender: object = None,
        weak: bool = True,
        dispatch_uid: Hashable | None = None,
    ) -> Receiver:
        """Connect ``receiver``; return it, so this can serve as a decorator."""
        if not callable(receiver):
            raise TypeError(f"Signal receivers must be callable, got {receiver!r}")
        if not _accepts_kwargs(receiver):
            raise ValueError(
                f"Signal receiver {receiver!r} must accept keyword arguments (**kwargs)."
            )
        key: _Key = (dispatch_uid if dispatch_uid is not None else _make_id(receiver),
                     _make_id(sender))  # fmt: skip
        stored: Any = receiver
        if weak:
            ref_type = weakref.WeakMethod if inspect.ismethod(receiver) else weakref.ref
            stored = ref_type(receiver, self._forget_dead)
        with self._lock:
            if not any(entry[0] == key for entry in self._entries):
                self._entries.append((key, stored, weak))
                self._refs = None
        return receiver

    def disconnect(
        self,
        receiver: Receiver | None = None,
        sender: object = None,
        dispatch_uid: Hashable | None = None,
    ) -> bool:
        """Disconnect a receiver; return whether one was connected."""
        key = (dispatch_uid if dispatch_uid is not None else _make_id(receiver), _make_id(sender))
        with self._lock:
            for index, entry in enumerate(self._entries):
                if entry[0] == key:
                    del self._entries[index]
                    self._refs = None
                    return True
        return False

    def clear(self) -> None:
        """Disconnect every receiver."""
        with self._lock:
            self._entries.clear()
            self._refs = None

    def snapshot(self) -> list[tuple[_Key, Any, bool]]:
        """The current connections, for :meth:`restore`."""
        with self._lock:
            return list(self._entries)

    def restore(self, entries: list[tuple[_Key, Any, bool]]) -> None:
        """Put back the connections a :meth:`snapshot` returned."""
        with self._lock:
            # A weakly held receiver that died since the snapshot stays gone.
            self._entries = [entry for entry in entries if not entry[2] or entry[1]() is not None]
            self._refs = None

    def refs(self) -> tuple[ReceiverRef, ...]:
        """References to the receivers of events sent with no sender, in connection order.

        Call each to get its receiver; a weakly held receiver that died gives ``None``.
        """
        refs = self._refs
        if refs is not None:
            return refs
        with self._lock:
            refs = self._refs = tuple(
                stored if weak else _strong_ref(stored)
                for (_, sender_key), stored, weak in self._entries
                if sender_key == _NONE_ID
            )
        return refs

    def live(self) -> tuple[Receiver, ...]:
        """The receivers that get events sent with no sender, in connection order."""
        return tuple(receiver for ref in self.refs() if (receiver := ref()) is not None)

    def _forget_dead(self, reference: object) -> None:
        # Called by the garbage collector when a weakly held receiver dies.
        with self._lock:
            self._entries = [entry for entry in self._entries if entry[1] is not reference]
            self._refs = None
