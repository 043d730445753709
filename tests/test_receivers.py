"""Connecting and disconnecting receivers follows the semantics of Django signals."""

from __future__ import annotations

import gc
from typing import Any

import attrs
import pytest

from openedx_events import SignalRegistry
from openedx_events._private.receivers import ReceiverList
from openedx_events.tooling import OpenEdxPublicSignal


@attrs.frozen
class Ping:
    """Data of the signals defined by these tests."""

    number: int


def make_signal() -> OpenEdxPublicSignal:
    return OpenEdxPublicSignal(
        "org.openedx.test.ping.v1", {"ping": Ping}, registry=SignalRegistry()
    )


def called(signal: OpenEdxPublicSignal) -> list[Any]:
    """The responses of one send."""
    return [response for _, response in signal.send_event(ping=Ping(1))]


class Listener:
    def __init__(self, name: str) -> None:
        self.name = name

    def on_ping(self, **kwargs: Any) -> str:
        return self.name


def test_connect_works_as_a_decorator() -> None:
    """connect returns the receiver, so @SIGNAL.connect keeps the function."""
    signal = make_signal()

    @signal.connect
    def receiver(**kwargs: Any) -> str:
        return "decorated"

    assert callable(receiver)
    assert called(signal) == ["decorated"]
    assert signal.receivers == (receiver,)
    assert signal.has_listeners()


def test_connecting_the_same_receiver_twice_calls_it_once() -> None:
    """A receiver is keyed by identity: the second connect is a no-op."""
    signal = make_signal()

    def receiver(**kwargs: Any) -> int:
        return 1

    signal.connect(receiver)
    signal.connect(receiver)
    assert called(signal) == [1]


def test_dispatch_uid_keys_a_receiver_whatever_the_function() -> None:
    """Two functions under one dispatch_uid: only the first is connected."""
    signal = make_signal()
    signal.connect(lambda **kwargs: "first", dispatch_uid="uid", weak=False)
    signal.connect(lambda **kwargs: "second", dispatch_uid="uid", weak=False)
    assert called(signal) == ["first"]
    assert signal.disconnect(dispatch_uid="uid") is True
    assert called(signal) == []


def test_disconnect_reports_whether_the_receiver_was_connected() -> None:
    """True the first time, False once it is gone."""
    signal = make_signal()

    def receiver(**kwargs: Any) -> None:
        return None

    signal.connect(receiver)
    assert signal.disconnect(receiver) is True
    assert signal.disconnect(receiver) is False
    assert not signal.has_listeners()


def test_a_weakly_held_function_is_dropped_when_collected() -> None:
    """By default receivers are weak references: a dead function is no longer called."""
    signal = make_signal()

    def receiver(**kwargs: Any) -> str:
        return "alive"

    signal.connect(receiver)
    assert called(signal) == ["alive"]
    del receiver
    gc.collect()
    assert called(signal) == []
    assert signal.receivers == ()


def test_a_bound_method_is_held_weakly_through_its_instance() -> None:
    """A bound method lives as long as its instance, not as long as the method object."""
    signal = make_signal()
    listener = Listener("bound")
    signal.connect(listener.on_ping)
    gc.collect()  # the bound-method object itself is gone already
    assert called(signal) == ["bound"]
    assert signal.disconnect(listener.on_ping) is True
    signal.connect(listener.on_ping)
    del listener
    gc.collect()
    assert called(signal) == []


def test_weak_false_keeps_the_receiver_alive() -> None:
    """weak=False holds a strong reference, as Django does."""
    signal = make_signal()
    signal.connect(lambda **kwargs: "kept", weak=False)
    gc.collect()
    assert called(signal) == ["kept"]


def test_a_receiver_without_kwargs_is_refused() -> None:
    """Receivers must accept **kwargs, since events grow new arguments."""
    signal = make_signal()

    def rigid(signal: Any, sender: Any) -> None:
        return None

    with pytest.raises(ValueError, match="keyword arguments"):
        signal.connect(rigid)


def test_a_non_callable_receiver_is_refused() -> None:
    """TypeError for something that cannot be called."""
    with pytest.raises(TypeError, match="callable"):
        make_signal().connect("not a function")  # type: ignore[arg-type]


def test_a_receiver_for_a_specific_sender_is_refused() -> None:
    """Events are sent with sender=None: a sender-filtered receiver would never be called."""
    signal = make_signal()

    def receiver(**kwargs: Any) -> str:
        return "filtered"

    with pytest.raises(ValueError, match="sender=<class 'object'> would never be called"):
        signal.connect(receiver, sender=object, weak=False)
    assert signal.receivers == ()
    assert signal.disconnect(receiver, sender=object) is False


def test_snapshot_and_restore_bring_back_the_connections() -> None:
    """ReceiverList.restore puts back exactly what snapshot saw."""
    receivers = ReceiverList()

    def first(**kwargs: Any) -> None:
        return None

    def second(**kwargs: Any) -> None:
        return None

    receivers.connect(first, weak=False)
    saved = receivers.snapshot()
    receivers.connect(second, weak=False)
    receivers.disconnect(first)
    assert receivers.live() == (second,)
    receivers.restore(saved)
    assert receivers.live() == (first,)
    receivers.clear()
    assert receivers.live() == ()


def test_restore_does_not_bring_back_a_receiver_that_died() -> None:
    """A weakly held receiver collected after the snapshot is not restored."""
    receivers = ReceiverList()

    def doomed(**kwargs: Any) -> None:
        return None

    receivers.connect(doomed)
    saved = receivers.snapshot()
    del doomed
    gc.collect()
    receivers.restore(saved)
    assert receivers.snapshot() == []
    assert receivers.refs() == ()
