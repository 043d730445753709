"""The registry of signals by event type."""

from __future__ import annotations

import difflib
import importlib
from typing import TYPE_CHECKING

from openedx_events.exceptions import UnknownEventTypeError

if TYPE_CHECKING:
    from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = [
    "KNOWN_UNSERIALIZABLE_SIGNALS",
    "SIGNAL_MODULES",
    "SignalRegistry",
    "default_registry",
    "load_all_signals",
]

SIGNAL_MODULES = (
    "openedx_events.analytics.signals",
    "openedx_events.authz.signals",
    "openedx_events.content_authoring.signals",
    "openedx_events.enterprise.signals",
    "openedx_events.learning.signals",
)

#: Catalog events that are not meant for the event bus (their data has no Avro mapping, or
#: they are not emitted by any service), as the reference lists them.
KNOWN_UNSERIALIZABLE_SIGNALS = [
    "org.openedx.content_authoring.course.certificate_config.changed.v1",
    "org.openedx.content_authoring.course.certificate_config.deleted.v1",
    "org.openedx.learning.external_grader.score.submitted.v1",
]

_MAX_SUGGESTIONS_KEPT = 1024


class SignalRegistry:
    """Signals by event type, plus alternative spellings (aliases) of some types."""

    def __init__(self) -> None:
        self._by_type: dict[str, OpenEdxPublicSignal] = {}
        self._aliases: dict[str, str] = {}
        # Close matches of unknown types already asked for: a consumer meeting a stream of
        # one unknown type would otherwise run difflib over the catalog for every entry.
        self._suggestions: dict[str, list[str]] = {}

    def register(self, signal: OpenEdxPublicSignal) -> None:
        """Add ``signal``, replacing any signal already registered under its names.

        Declaring a signal again (a module reloaded, a test defining its own) replaces the
        old declaration, as the reference implementation does; the old object stays usable
        but is no longer found by its event type.
        """
        for name in (signal.event_type, *signal.aliases):
            taken = self._by_type.get(self._aliases.get(name, name))
            if taken is not None:
                self.unregister(taken)
        self._suggestions.clear()
        self._by_type[signal.event_type] = signal
        for alias in signal.aliases:
            self._aliases[alias] = signal.event_type

    def unregister(self, signal: OpenEdxPublicSignal) -> None:
        """Remove ``signal`` (used by tests that define signals of their own)."""
        if self._by_type.get(signal.event_type) is signal:
            self._suggestions.clear()
            del self._by_type[signal.event_type]
            for alias in signal.aliases:
                self._aliases.pop(alias, None)

    def snapshot(self) -> tuple[dict[str, OpenEdxPublicSignal], dict[str, str]]:
        """The registrations as they are now, for :meth:`restore`."""
        return dict(self._by_type), dict(self._aliases)

    def restore(self, state: tuple[dict[str, OpenEdxPublicSignal], dict[str, str]]) -> None:
        """Put back the registrations of a :meth:`snapshot` (signals declared since go)."""
        self._by_type, self._aliases = dict(state[0]), dict(state[1])
        self._suggestions.clear()

    def get(self, event_type: str) -> OpenEdxPublicSignal:
        """The signal of ``event_type`` (or of an alias of it).

        Raises:
            UnknownEventTypeError: nothing is registered under that name; the error lists the
                closest known types.
        """
        signal = self._by_type.get(event_type)
        if signal is not None:
            return signal
        canonical = self._aliases.get(event_type)
        if canonical is not None:
            return self._by_type[canonical]
        suggestions = self._suggestions.get(event_type)
        if suggestions is None:
            known = [*self._by_type, *self._aliases]
            suggestions = difflib.get_close_matches(event_type, known, n=3, cutoff=0.6)
            if len(self._suggestions) >= _MAX_SUGGESTIONS_KEPT:  # garbage types stay bounded
                self._suggestions.clear()
            self._suggestions[event_type] = suggestions
        raise UnknownEventTypeError(event_type, list(suggestions))

    def all(self) -> list[OpenEdxPublicSignal]:
        """Every registered signal, in registration order."""
        return list(self._by_type.values())

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._by_type or event_type in self._aliases

    def __len__(self) -> int:
        return len(self._by_type)


default_registry = SignalRegistry()


def load_all_signals() -> None:
    """Import every catalog module, so that all the catalog's signals are registered."""
    for module in SIGNAL_MODULES:
        importlib.import_module(module)
