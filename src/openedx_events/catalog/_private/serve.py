"""Serving a built site over HTTP, for a local look at the catalog."""

from __future__ import annotations

import functools
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["serve_directory"]


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        return


def serve_directory(directory: Path, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve ``directory`` until interrupted; ``ready`` gets the address once it listens.

    Port 0 picks a free port.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    with ThreadingHTTPServer((host, port), handler) as server:
        bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        ready(f"http://{shown}:{bound_port}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            return
