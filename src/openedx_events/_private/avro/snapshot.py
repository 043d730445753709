"""The schema snapshot: one ``.avsc`` per event, checked against the schemas the code generates.

``export_schemas`` writes the current schemas; ``check_schemas`` compares them with the files
under Avro's resolution rules in both directions and reports, per event, whether its schema is
unchanged, changed compatibly, changed in a breaking way (naming each change), new, or gone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from openedx_events._private.avro.codec import codec_for
from openedx_events._private.avro.evolution import Incompatibility, breaking_changes
from openedx_events._private.registry import load_all_signals
from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = [
    "SNAPSHOT_DIR",
    "SchemaCheck",
    "check_schemas",
    "export_schemas",
    "schema_file_name",
]

SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "event_bus" / "avro" / "schemas"
_SUFFIX = "_schema.avsc"


@attrs.frozen
class SchemaCheck:
    """The result of checking one event's schema against its snapshot.

    ``status`` is ``unchanged``, ``compatible``, ``breaking``, ``new`` (no snapshot yet) or
    ``removed`` (a snapshot for an event that no longer exists). ``changes`` lists the breaking
    changes as ``(direction, incompatibility)``; direction is ``backward`` (new readers, old
    data) or ``forward`` (old readers, new data).
    """

    event_type: str
    status: str
    changes: tuple[tuple[str, Incompatibility], ...] = ()

    @property
    def breaking(self) -> bool:
        """Whether deploying this schema would break a consumer or a producer."""
        return self.status in ("breaking", "removed")


def schema_file_name(event_type: str) -> str:
    """``org+openedx+...+v1_schema.avsc``: the event type with dots as ``+``."""
    return event_type.replace(".", "+") + _SUFFIX


def _event_type(file_name: str) -> str:
    return file_name.removesuffix(_SUFFIX).replace("+", ".")


def _signals(signals: Iterable[OpenEdxPublicSignal] | None) -> list[OpenEdxPublicSignal]:
    if signals is not None:
        return sorted(signals, key=lambda signal: signal.event_type)
    load_all_signals()
    return sorted(OpenEdxPublicSignal.all_events(), key=lambda signal: signal.event_type)


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2) + "\n"


def export_schemas(
    directory: Path = SNAPSHOT_DIR, signals: Iterable[OpenEdxPublicSignal] | None = None
) -> list[Path]:
    """Write the current schema of every event (or of ``signals``); return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for signal in _signals(signals):
        path = directory / schema_file_name(signal.event_type)
        text = _text(codec_for(signal).schema)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check_schemas(
    directory: Path = SNAPSHOT_DIR, signals: Iterable[OpenEdxPublicSignal] | None = None
) -> list[SchemaCheck]:
    """Compare the current schemas with the snapshot files in ``directory``.

    With ``signals`` given, only those events are checked and no event counts as removed.
    """
    chosen = _signals(signals)
    results = []
    for signal in chosen:
        path = directory / schema_file_name(signal.event_type)
        current = codec_for(signal).schema
        if not path.exists():
            results.append(SchemaCheck(signal.event_type, "new"))
            continue
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored == current:
            results.append(SchemaCheck(signal.event_type, "unchanged"))
            continue
        changes = tuple(breaking_changes(stored, current))
        results.append(
            SchemaCheck(signal.event_type, "breaking" if changes else "compatible", changes)
        )
    if signals is None:
        known = {signal.event_type for signal in chosen}
        for path in sorted(directory.glob(f"*{_SUFFIX}")):
            if _event_type(path.name) not in known:
                results.append(SchemaCheck(_event_type(path.name), "removed"))
    return results
