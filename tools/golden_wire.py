"""Write the golden wire data under ``tests/golden/`` by running the reference implementation.

The reference (openedx-events 11.2.0 with its Redis and Kafka buses) runs in a Python 3.12
virtualenv of its own (``bench/reference_env.py``). For every one of its signals this script
records the catalog facts and the Avro schema it generates; for every event it can put on the
bus, two payloads (optional fields filled, and left out) with the exact bytes the reference
writes, the message key, and the headers its Redis and Kafka buses send. The payloads are our
samples, handed to the reference as Avro records; the reference builds its own data objects
from them, so the bytes, keys and headers are all the reference's own.

Run it from the repository root after a change to the samples or the catalog:

    .venv/bin/python tools/golden_wire.py

The tests read the committed output, so a clone proves wire compatibility without the
reference installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from reference_env import REFERENCE_REQUIREMENTS, python312_venv, run_reference  # noqa: E402

from openedx_events.event_bus.avro import AvroSignalSerializer, schema_from_signal  # noqa: E402
from openedx_events.exceptions import EventSerializationError  # noqa: E402
from openedx_events.samples import sample_event_data  # noqa: E402
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals  # noqa: E402

OUTPUT = ROOT / "tests" / "golden"
#: The reference's buses, whose header code gives the headers of the vectors.
BUS_REQUIREMENTS = (
    *REFERENCE_REQUIREMENTS,
    "edx-event-bus-redis==1.1.2",
    "edx-event-bus-kafka==6.2.0",
)

# Fixed metadata, so the vectors do not change from one run to the next.
METADATA = {
    "id": str(UUID("3e6a9b1c-edd8-11f1-8000-0242ac120002")),
    "time": "2024-05-01T12:00:00.250000+00:00",
    "source": "openedx/lms/web",
    "sourcehost": "edx.devstack.lms",
    "sourcelib": [11, 2, 0],
}

# Runs in the reference's virtualenv (see bench/reference_env.py for emit and the prelude).
_REFERENCE_SCRIPT = '''
import importlib
import inspect
import json
import pkgutil
import re
import typing

import attrs
from datetime import datetime
from uuid import UUID

import openedx_events
from openedx_events.data import EventsMetadata
from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer
from openedx_events.event_bus.avro.serializer import (
    AvroSignalSerializer,
    serialize_event_data_to_bytes,
)
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals
from edx_event_bus_kafka.internal.producer import extract_event_key
from edx_event_bus_kafka.internal.utils import _get_headers_from_metadata
from edx_event_bus_redis.internal.utils import get_headers_from_metadata

load_all_signals()
names = {}
for module_info in pkgutil.walk_packages(openedx_events.__path__, "openedx_events."):
    if not module_info.name.endswith(".signals"):
        continue
    module = importlib.import_module(module_info.name)
    for attribute, value in vars(module).items():
        if isinstance(value, OpenEdxPublicSignal):
            names[value.event_type] = (attribute, module_info.name)

# Key fields and descriptions are code annotations above each signal, not on the object;
# an annotation's text goes on over the comment lines that follow it, indented.
annotated = {}
for module_name in sorted({module for _, module in names.values()}):
    current, last = None, None
    for line in inspect.getsource(importlib.import_module(module_name)).splitlines():
        found = re.match(r"# \\.\\. event_(\\w+): (.*)", line.strip())
        if found and found.group(1) == "type":
            current, last = found.group(2).strip(), None
            annotated[current] = {}
        elif found and current is not None:
            last = found.group(1)
            annotated[current][last] = found.group(2).strip()
        elif current is not None and last and re.match(r"#\\s{2,}\\S", line.strip()):
            annotated[current][last] += " " + line.strip()[1:].strip()
        else:
            last = None

signals = []
for signal in sorted(OpenEdxPublicSignal.all_events(), key=lambda s: s.event_type):
    entry = {
        "event_type": signal.event_type,
        "signal_name": names[signal.event_type][0],
        "module": names[signal.event_type][1],
        "minor_version": signal.minor_version,
        "event_key_field": annotated[signal.event_type].get("key_field"),
        "description": annotated[signal.event_type].get("description"),
        "data": {
            name: f"{cls.__module__}.{cls.__qualname__}" for name, cls in signal.init_data.items()
        },
    }
    try:
        entry["avro_schema"] = AvroSignalSerializer(signal).schema
        entry["avro_schema_error"] = None
    except Exception as error:
        entry["avro_schema"] = None
        entry["avro_schema_error"] = f"{type(error).__name__}: {error}"
    entry["bus_compatible"] = entry["avro_schema"] is not None
    signals.append(entry)

def label(annotation):
    """A readable type, as the catalog writes it: CourseKey, List[int], dict[str, List[str]]."""
    origin = typing.get_origin(annotation)
    if origin is None:
        return getattr(annotation, "__name__", str(annotation))
    arguments = ", ".join(label(argument) for argument in typing.get_args(annotation))
    return f"{getattr(annotation, '_name', None) or origin.__name__}[{arguments}]"


def default_of(field):
    default = field.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):
        made = default.factory()
        try:
            json.dumps(made)
        except TypeError:
            return {"kind": "non_json_object", "repr": repr(made)}
        return {"kind": "factory", "factory": default.factory.__name__, "value": made}
    if default is None:
        return {"kind": "none", "value": None}
    try:
        json.dumps(default)
    except TypeError:
        return {"kind": "non_json_object", "repr": repr(default)}
    return {"kind": "literal", "value": default}


classes = {}
pending = [cls for signal in OpenEdxPublicSignal.all_events() for cls in signal.init_data.values()]
while pending:
    cls = pending.pop()
    name = f"{cls.__module__}.{cls.__qualname__}"
    if not attrs.has(cls) or name in classes:
        continue
    types = typing.get_type_hints(cls)
    fields = []
    for field in attrs.fields(cls):
        annotation = types.get(field.name, field.type)
        pending.extend(
            inner for inner in (annotation, *typing.get_args(annotation)) if attrs.has(inner)
        )
        fields.append(
            {
                "name": field.name,
                "type": label(annotation),
                "has_default": field.default is not attrs.NOTHING,
                "default": default_of(field),
                "validators": [] if field.validator is None else [repr(field.validator)],
                "kw_only": field.kw_only,
            }
        )
    classes[name] = {
        "qualified_name": name,
        "attrs_bases": [
            f"{base.__module__}.{base.__qualname__}" for base in cls.__bases__ if attrs.has(base)
        ],
        "frozen": cls.__setattr__ is not object.__setattr__,
        "fields": fields,
    }


def key_path_resolves(signal, path):
    argument, *steps = path.split(".")
    current = signal.init_data.get(argument)
    for step in steps:
        if current is None or not attrs.has(current):
            return False
        current = {field.name: field.type for field in attrs.fields(current)}.get(step)
    return current is not None


for entry in signals:
    path = entry["event_key_field"]
    signal = OpenEdxPublicSignal.get_signal_by_type(entry["event_type"])
    entry["event_key_field_resolvable"] = None if not path else key_path_resolves(signal, path)

sendable = {entry["event_type"] for entry in signals if entry["avro_schema"] is not None}
vectors = []
for given in INPUT["records"]:
    if given["event_type"] not in sendable:
        continue
    signal = OpenEdxPublicSignal.get_signal_by_type(given["event_type"])
    data = AvroSignalDeserializer(signal).from_dict(given["record"])
    payload = serialize_event_data_to_bytes(data, signal)
    meta = INPUT["metadata"]
    metadata = EventsMetadata(
        event_type=signal.event_type,
        id=UUID(meta["id"]),
        minorversion=signal.minor_version,
        source=meta["source"],
        sourcehost=meta["sourcehost"],
        time=datetime.fromisoformat(meta["time"]),
        sourcelib=tuple(meta["sourcelib"]),
    )
    vector = {
        "vector_id": given["vector_id"],
        "event_type": signal.event_type,
        "variant": given["variant"],
        "event_data": AvroSignalSerializer(signal).to_dict(data),
        "avro_bytes_hex": payload.hex(),
        "avro_bytes_len": len(payload),
        "metadata": metadata.to_json_data(),
        "headers": {
            "redis": {
                k.decode(): v.decode() for k, v in get_headers_from_metadata(metadata).items()
            },
            "kafka": {k: v.decode() for k, v in _get_headers_from_metadata(metadata).items()},
        },
    }
    key_field = annotated[signal.event_type].get("key_field")
    if key_field:
        try:
            value = extract_event_key(data, key_field)
        except Exception as error:  # a documented key path the data lacks (the authz events)
            vector["event_key_error"] = str(error)
        else:
            text = None if value is None else str(value)
            vector["event_key"] = {"field": key_field, "value": text}
    vectors.append(vector)

emit(
    {
        "version": openedx_events.__version__,
        "signals": signals,
        "data_classes": sorted(classes.values(), key=lambda cls: cls["qualified_name"]),
        "vectors": vectors,
    }
)
'''


def _records() -> list[dict[str, Any]]:
    """Our samples of every event we can encode, as Avro records, two variants each."""
    load_all_signals()
    records = []
    for signal in sorted(OpenEdxPublicSignal.all_events(), key=lambda s: s.event_type):
        try:
            schema_from_signal(signal)
        except EventSerializationError:
            continue
        for variant, optionals in (("optionals_set", True), ("optionals_none", False)):
            data = sample_event_data(signal, 0, optionals=optionals)
            try:
                record = AvroSignalSerializer(signal).to_dict(data)
                json.dumps(record)
            except (EventSerializationError, TypeError):
                continue  # bytes (a BinaryIO field): no Avro form in the reference either
            records.append(
                {
                    "vector_id": f"{signal.event_type}/{variant}",
                    "event_type": signal.event_type,
                    "variant": variant,
                    "record": record,
                }
            )
    return records


def generate() -> dict[str, list[dict[str, Any]]]:
    """Run the reference on our samples; the documents of ``tests/golden``, by file name."""
    python = python312_venv("golden-wire", BUS_REQUIREMENTS)
    inputs = {"records": _records(), "metadata": METADATA}
    script = f"INPUT = _json.loads({json.dumps(inputs)!r})\n" + _REFERENCE_SCRIPT
    result = run_reference(script, python=python)
    header = {
        "reference": f"openedx-events {result['version']}",
        "generated_by": "tools/golden_wire.py",
    }
    bodies = {
        "signals": result["signals"],
        "data_classes": result["data_classes"],
        "wire_vectors": result["vectors"],
    }
    return {f"{name}.json": {**header, name: body} for name, body in bodies.items()}


def render(document: Any) -> str:
    """The text of a golden file."""
    return json.dumps(document, indent=1) + "\n"


def main() -> None:
    """Write ``tests/golden/*.json``."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, document in generate().items():
        path = OUTPUT / name
        path.write_text(render(document), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
