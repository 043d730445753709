"""A test double of a Confluent Schema Registry: no real one can be installed where tests run.

It serves only the REST calls that confluent-kafka's ``SchemaRegistryClient`` makes for Avro
serializers and deserializers: register a schema under a subject, look a schema up by id, look
a schema up within a subject, and read a subject's latest version (plus listing subjects, for
assertions). Schemas are compared by their parsed JSON, so whitespace and key order do not
make a new schema; one schema has one id across subjects, as in the real registry. There is
no compatibility checking, authentication or persistence. Production points at a real registry.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["SchemaRegistryDouble"]

_SUBJECT_VERSIONS = re.compile(r"^/subjects/([^/]+)/versions$")
_SUBJECT_VERSION = re.compile(r"^/subjects/([^/]+)/versions/(latest|\d+)$")
_SUBJECT = re.compile(r"^/subjects/([^/]+)$")
_SCHEMA_BY_ID = re.compile(r"^/schemas/ids/(\d+)$")


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.schemas: list[str] = []  # schema id - 1 -> schema text as first registered
        self.ids: dict[str, int] = {}  # canonical text -> schema id
        self.subjects: dict[str, list[int]] = {}  # subject -> schema id of each version

    @staticmethod
    def canonical(schema: str) -> str:
        return json.dumps(json.loads(schema), sort_keys=True, separators=(",", ":"))

    def register(self, subject: str, schema: str) -> int:
        key = self.canonical(schema)
        with self.lock:
            schema_id = self.ids.get(key)
            if schema_id is None:
                self.schemas.append(schema)
                schema_id = self.ids[key] = len(self.schemas)
            versions = self.subjects.setdefault(subject, [])
            if schema_id not in versions:
                versions.append(schema_id)
            return schema_id

    def version(self, subject: str, schema_id: int, number: int) -> dict[str, Any]:
        return {
            "subject": subject,
            "version": number,
            "id": schema_id,
            "schema": self.schemas[schema_id - 1],
        }


class _Handler(BaseHTTPRequestHandler):
    store: _Store

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _not_found(self, code: int, message: str) -> None:
        self._reply(404, {"error_code": code, "message": message})

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        body: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
        return body

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        if body.get("schemaType", "AVRO") != "AVRO" or "schema" not in body:
            self._reply(422, {"error_code": 42201, "message": "only Avro schemas are served"})
            return
        if match := _SUBJECT_VERSIONS.match(path):
            schema_id = self.store.register(unquote(match[1]), body["schema"])
            self._reply(200, {"id": schema_id})
        elif match := _SUBJECT.match(path):
            self._lookup(unquote(match[1]), body["schema"])
        else:
            self._not_found(404, f"no route for POST {path}")

    def _lookup(self, subject: str, schema: str) -> None:
        store = self.store
        with store.lock:
            versions = store.subjects.get(subject)
            schema_id = store.ids.get(store.canonical(schema))
            if versions is None:
                self._not_found(40401, f"Subject '{subject}' not found.")
            elif schema_id not in versions:
                self._not_found(40403, "Schema not found")
            else:
                self._reply(200, store.version(subject, schema_id, versions.index(schema_id) + 1))

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        store = self.store
        with store.lock:
            if match := _SCHEMA_BY_ID.match(path):
                schema_id = int(match[1])
                if 0 < schema_id <= len(store.schemas):
                    self._reply(200, {"schema": store.schemas[schema_id - 1]})
                else:
                    self._not_found(40403, "Schema not found")
            elif match := _SUBJECT_VERSION.match(path):
                subject, number = unquote(match[1]), match[2]
                versions = store.subjects.get(subject)
                if not versions:
                    self._not_found(40401, f"Subject '{subject}' not found.")
                    return
                index = len(versions) if number == "latest" else int(number)
                if not 0 < index <= len(versions):
                    self._not_found(40402, "Version not found.")
                    return
                self._reply(200, store.version(subject, versions[index - 1], index))
            elif path == "/subjects":
                self._reply(200, sorted(store.subjects))
            else:
                self._not_found(404, f"no route for GET {path}")


class SchemaRegistryDouble:
    """The registry double, serving on a free port of 127.0.0.1 from a daemon thread."""

    def __init__(self) -> None:
        self.store = _Store()
        handler = type("Handler", (_Handler,), {"store": self.store})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The URL clients are configured with."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def subjects(self) -> dict[str, list[int]]:
        """Each subject with the schema id of each of its versions."""
        with self.store.lock:
            return {name: list(ids) for name, ids in self.store.subjects.items()}

    def start(self) -> SchemaRegistryDouble:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SchemaRegistryDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
