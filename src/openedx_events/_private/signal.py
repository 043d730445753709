"""``OpenEdxPublicSignal``: a typed event that validates, stamps and dispatches its data."""

from __future__ import annotations

import logging
import socket
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NoReturn

from openedx_events._private.metadata import (
    EventsMetadata,
    event_source,
    library_version_tuple,
    metadata_from_checked_fields,
)
from openedx_events._private.observability import metrics, tracing
from openedx_events._private.observability.logfields import describe_error, exc_info, log_fields
from openedx_events._private.receivers import Receiver, ReceiverList, ReceiverRef
from openedx_events._private.registry import SignalRegistry, default_registry, load_all_signals
from openedx_events._private.uuid1 import uuid1
from openedx_events.exceptions import InstantiationError, SenderValidationError

__all__ = ["SIGNAL_PROCESSED_FROM_EVENT_BUS", "OpenEdxPublicSignal"]

#: The keyword argument that tells receivers whether the event came from the event bus.
SIGNAL_PROCESSED_FROM_EVENT_BUS = "from_event_bus"

log = logging.getLogger("openedx_events.signal")

_HOSTNAME = socket.gethostname()
_UTC = UTC
_now = datetime.now


def _type_name(expected: type | tuple[type, ...]) -> str:
    if isinstance(expected, tuple):
        return " | ".join(t.__name__ for t in expected)
    return expected.__name__


class _DeclaredSignals:
    """``OpenEdxPublicSignal.instances``: every declared signal, as the reference lists them."""

    def __get__(self, instance: object, owner: type | None = None) -> list[OpenEdxPublicSignal]:
        return default_registry.all()


class OpenEdxPublicSignal:
    """A public event of the Open edX platform.

    ``data`` maps each argument of :meth:`send_event` to the type its value must have. A
    signal registers itself under its event type when it is created. Receivers are called in
    the order they were connected, with ``signal``, ``sender`` (always ``None``),
    ``metadata``, ``from_event_bus`` and the event data as keyword arguments.
    """

    instances = _DeclaredSignals()

    def __init__(
        self,
        event_type: str,
        data: Mapping[str, type],
        minor_version: int = 0,
        *,
        signal_name: str | None = None,
        event_key_field: str | None = None,
        description: str = "",
        warnings: Sequence[str] = (),
        aliases: Sequence[str] = (),
        registry: SignalRegistry | None = None,
    ) -> None:
        if not event_type:
            raise InstantiationError(event_type, "a signal needs an event type")
        if not data:
            raise InstantiationError(event_type, "a signal needs the data it carries")
        self.event_type = event_type
        self.init_data: dict[str, type] = dict(data)
        self.minor_version = minor_version
        self.signal_name = signal_name
        self.event_key_field = event_key_field
        self.description = description
        self.warnings: tuple[str, ...] = tuple(warnings)
        self.aliases: tuple[str, ...] = tuple(aliases)
        self._receivers = ReceiverList()
        self._allow_events = True
        self._allow_send_event_failure = False
        self._data_items = tuple(self.init_data.items())
        self._data_keys = self.init_data.keys()
        self._data_count = len(self._data_items)
        self._metadata_template: dict[str, Any] = {"source": None}
        self._registry = registry if registry is not None else default_registry
        self._registry.register(self)

    def __repr__(self) -> str:
        return f"<OpenEdxPublicSignal: {self.event_type}>"

    __str__ = __repr__

    # --- the registry ---------------------------------------------------------------------

    @classmethod
    def all_events(cls) -> list[OpenEdxPublicSignal]:
        """Every signal defined so far (call :func:`load_all_signals` first for the catalog)."""
        return default_registry.all()

    @classmethod
    def get_signal_by_type(cls, event_type: str) -> OpenEdxPublicSignal:
        """The signal of ``event_type``, loading the catalog if needed.

        Raises:
            UnknownEventTypeError: no such event; the error suggests the closest types.
        """
        if event_type not in default_registry:
            load_all_signals()
        return default_registry.get(event_type)

    # --- receivers ------------------------------------------------------------------------

    def connect(
        self,
        receiver: Receiver,
        sender: object = None,
        weak: bool = True,
        dispatch_uid: Hashable | None = None,
    ) -> Receiver:
        """Connect ``receiver`` (Django semantics); return it, so it works as a decorator.

        Raises:
            ValueError: ``sender`` is given. Events are sent with ``sender=None``, so Django's
                sender filter would leave such a receiver uncalled, silently.
        """
        if sender is not None:
            raise ValueError(
                f"{self.event_type}: events are sent with sender=None, so a receiver connected "
                f"with sender={sender!r} would never be called; connect it without a sender"
            )
        return self._receivers.connect(receiver, sender, weak, dispatch_uid)

    def disconnect(
        self,
        receiver: Receiver | None = None,
        sender: object = None,
        dispatch_uid: Hashable | None = None,
    ) -> bool:
        """Disconnect a receiver; return whether it was connected."""
        return self._receivers.disconnect(receiver, sender, dispatch_uid)

    @property
    def receivers(self) -> tuple[Receiver, ...]:
        """The live receivers, in the order they are called."""
        return self._receivers.live()

    def has_listeners(self, sender: object = None) -> bool:
        """Whether any receiver is connected."""
        return bool(self._receivers.live())

    # --- switches -------------------------------------------------------------------------

    def enable(self) -> None:
        """Let the signal send events again."""
        self._allow_events = True

    def disable(self) -> None:
        """Make :meth:`send_event` a no-op that returns ``[]``."""
        self._allow_events = False

    @property
    def enabled(self) -> bool:
        """Whether :meth:`send_event` dispatches events."""
        return self._allow_events

    def allow_send_event_failure(self, allow: bool = True) -> None:
        """Let receiver exceptions propagate even from a robust send (for tests)."""
        self._allow_send_event_failure = allow

    # --- sending --------------------------------------------------------------------------

    def generate_signal_metadata(self, time: datetime | None = None) -> EventsMetadata:
        """Fresh metadata for one event of this signal, stamped ``time`` or now."""
        if time is not None:
            return EventsMetadata(
                event_type=self.event_type, minorversion=self.minor_version, time=time
            )
        # The hot path: every value is built here and known valid, so the attrs converters
        # and validators would only check them again. The fields that are the same for every
        # event of the signal come from a template, refreshed when the service name changes.
        source = event_source()
        template = self._metadata_template
        if template["source"] is not source:
            template = self._metadata_template = _metadata_template(self, source)
        fields = template.copy()
        fields["id"] = uuid1()
        fields["time"] = _now(_UTC)
        return metadata_from_checked_fields(fields)

    def send_event(
        self, send_robust: bool = True, time: datetime | None = None, **data: Any
    ) -> list[tuple[Receiver, Any]]:
        """Validate ``data``, stamp fresh metadata and call every receiver.

        Args:
            send_robust: when true, a receiver's exception is logged and returned in place of
                its response and the other receivers still run; when false it propagates.
            time: the event time (an aware UTC datetime); now by default.
            **data: exactly the arguments declared by the signal.

        Returns:
            ``(receiver, response)`` pairs, or ``[]`` when the signal is disabled.

        Raises:
            SenderValidationError: an argument is missing, unexpected or of the wrong type.
        """
        self._validate(data)
        if not self._allow_events:
            return []
        metadata = self.generate_signal_metadata(time=time)
        instruments = metrics.instruments()
        if instruments is not None:
            instruments.child(instruments.sent, self.event_type).inc()
        if tracing.active():
            with tracing.create_span(self.event_type, str(metadata.id)):
                return self._send_new(metadata, send_robust, data)
        return self._send_new(metadata, send_robust, data)

    def _send_new(
        self, metadata: EventsMetadata, send_robust: bool, data: dict[str, Any]
    ) -> list[tuple[Receiver, Any]]:
        if _observers:
            _notify(self, metadata, False, data)
        refs = self._receivers.refs()
        if not refs:
            return []
        return self._dispatch(refs, metadata, False, send_robust, data)

    def send_event_with_custom_metadata(
        self, metadata: EventsMetadata, /, *, send_robust: bool = True, **data: Any
    ) -> list[tuple[Receiver, Any]]:
        """Dispatch an event that already has metadata, as one read from the event bus.

        Receivers get ``from_event_bus=True``, which keeps the bus producer from sending the
        event out again.
        """
        self._validate(data)
        if not self._allow_events:
            return []
        if _observers:
            _notify(self, metadata, True, data)
        return self._dispatch(self._receivers.refs(), metadata, True, send_robust, data)

    def send(self, sender: object, **kwargs: Any) -> list[tuple[Receiver, Any]]:
        """Not supported: use :meth:`send_event`, which validates and stamps the event."""
        warnings.warn(
            f"{self.event_type}: send() does nothing on an OpenEdxPublicSignal; use send_event()",
            stacklevel=2,
        )
        return []

    def send_robust(self, sender: object, **kwargs: Any) -> list[tuple[Receiver, Any]]:
        """Not supported: use :meth:`send_event`, which is robust by default."""
        warnings.warn(
            f"{self.event_type}: send_robust() does nothing on an OpenEdxPublicSignal; "
            "use send_event()",
            stacklevel=2,
        )
        return []

    def _validate(self, data: dict[str, Any]) -> None:
        try:
            for name, expected in self._data_items:
                if not isinstance(data[name], expected):
                    self._reject(data)
        except KeyError:
            self._reject(data)
        if len(data) != self._data_count:
            self._reject(data)

    def _reject(self, data: dict[str, Any]) -> NoReturn:
        """Raise the error that describes what is wrong with ``data``."""
        for name, expected in self._data_items:
            if name not in data:
                raise SenderValidationError(
                    self.event_type,
                    # The reference's wording first: code and tests written for it look for it.
                    f"Missing required argument '{name}' (expected {_type_name(expected)})",
                )
        unexpected = sorted(set(data) - set(self._data_keys))
        if unexpected:
            raise SenderValidationError(
                self.event_type,
                "There's a mismatch between initialization data and send_event arguments: "
                f"unexpected argument '{unexpected[0]}'; the event takes "
                + ", ".join(f"'{name}'" for name in self._data_keys),
            )
        for name, expected in self._data_items:
            value = data[name]
            if not isinstance(value, expected):
                raise SenderValidationError(
                    self.event_type,
                    f"The argument '{name}' is not instance of the Class Attribute 'type': "
                    f"it must be {_type_name(expected)}, "
                    f"got {type(value).__name__}: {value!r}",
                )
        raise AssertionError("_reject called with valid data")  # pragma: no cover

    def _dispatch(
        self,
        refs: tuple[ReceiverRef, ...],
        metadata: EventsMetadata,
        from_event_bus: bool,
        send_robust: bool,
        data: dict[str, Any],
    ) -> list[tuple[Receiver, Any]]:
        robust = send_robust and not self._allow_send_event_failure and not _strict_mode[0]
        responses: list[tuple[Receiver, Any]] = []
        escaped: Exception | None = None
        for ref in refs:
            receiver = ref()
            if receiver is None:  # a weakly held receiver died since the list was built
                continue
            try:
                response = receiver(
                    signal=self,
                    sender=None,
                    metadata=metadata,
                    from_event_bus=from_event_bus,
                    **data,
                )
            except Exception as error:
                if not robust:
                    raise
                # A robust send isolates receivers from each other; an error that would
                # lose the event (the bus refused it) is raised once every receiver ran.
                if escaped is None and getattr(error, "escapes_robust_send", False):
                    escaped = error
                response = self._log_failure(receiver, metadata, error)
            responses.append((receiver, response))
        if escaped is not None:
            raise escaped
        return responses

    def _log_failure(
        self, receiver: Receiver, metadata: EventsMetadata, error: Exception
    ) -> Exception:
        text, fields = log_fields(event_id=metadata.id, event_type=self.event_type)
        log.error(
            "Receiver %s raised %s%s",
            getattr(receiver, "__qualname__", repr(receiver)),
            describe_error(error),
            text,
            extra=fields,
            exc_info=exc_info(error),
        )
        return error


_SOURCELIB = library_version_tuple()


def _metadata_template(signal: OpenEdxPublicSignal, source: str) -> dict[str, Any]:
    """The metadata fields of ``signal``'s events, in field order; id and time left to fill."""
    return {
        "event_type": signal.event_type,
        "id": None,
        "minorversion": signal.minor_version,
        "source": source,
        "sourcehost": _HOSTNAME,
        "time": None,
        "sourcelib": _SOURCELIB,
    }


# Set by the testing helpers' strict mode: every send propagates receiver exceptions.
_strict_mode = [False]

#: Called with (signal, metadata, from_event_bus, data) for every event a signal dispatches,
#: before its receivers; the testing helpers record events through this, without connecting
#: receivers that would show up in the responses.
Observer = Callable[[OpenEdxPublicSignal, EventsMetadata, bool, dict[str, Any]], None]
_observers: list[Observer] = []


def _notify(
    signal: OpenEdxPublicSignal,
    metadata: EventsMetadata,
    from_event_bus: bool,
    data: dict[str, Any],
) -> None:
    for observer in tuple(_observers):
        observer(signal, metadata, from_event_bus, dict(data))
