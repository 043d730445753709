"""``openedx-events docs``: build the event catalog (rst, md, html, asyncapi) or serve it.

The catalog is generated from the live registry: ``--module`` imports a plugin's signal
modules first, so that its events are in it too.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

import click

from openedx_events.catalog import FORMATS, Catalog, build_catalog, write_catalog
from openedx_events.catalog._private.serve import serve_directory
from openedx_events.exceptions import OpenEdxEventException

__all__ = ["docs"]


class _UsageError(click.UsageError):
    """A usage error shown as one ``Error: ...`` line (exit status 2)."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


class _Command(click.Command):
    """A command whose usage errors are one line, like its other errors."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            if isinstance(error, _UsageError):
                raise
            raise _UsageError(error.format_message(), ctx) from error


def _import_modules(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> None:
    if value and "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as ``python -m`` would: a plugin checked out here
    for name in value:
        try:
            importlib.import_module(name)
        except Exception as error:  # any failure of a plugin's import is the user's to fix
            raise click.BadParameter(
                f"cannot import {name}: {type(error).__name__}: {error}", param_hint="--module"
            ) from error


def _read_config(
    ctx: click.Context, param: click.Parameter, value: Path | None
) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        config = json.loads(value.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.BadParameter(f"{value}: {error}", param_hint="--producer-config") from error
    if not isinstance(config, dict):
        raise click.BadParameter(f"{value}: not a JSON object", param_hint="--producer-config")
    return config


_MODULE = click.option(
    "--module",
    "-m",
    "modules",
    multiple=True,
    metavar="MODULE",
    callback=_import_modules,
    expose_value=False,
    help="Import MODULE first, so that the events it defines are in the catalog (repeatable).",
)
_CONFIG = click.option(
    "--producer-config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    callback=_read_config,
    help="A JSON file of EVENT_BUS_PRODUCER_CONFIG routes (default: the setting).",
)


def _catalog(producer_config: dict[str, Any] | None) -> Catalog:
    try:
        return build_catalog(producer_config=producer_config)
    except OpenEdxEventException as error:
        raise click.ClickException(str(error)) from error


def _write(catalog: Catalog, output_format: str, out: Path) -> list[Path]:
    try:
        return write_catalog(catalog, output_format, out)
    except OSError as error:
        raise click.ClickException(f"cannot write to {out}: {error.strerror or error}") from error


@click.group()
def docs() -> None:
    """The event catalog, generated from the code: build it or serve it."""


@docs.command("build", cls=_Command)
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), required=True,
    help="rst and md: one page; html: a static site; asyncapi: an AsyncAPI 3.0 document.",
)  # fmt: skip
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The directory to write into (created if needed).",
)
@_MODULE
@_CONFIG
def build(output_format: str, out: Path, producer_config: dict[str, Any] | None) -> None:
    """Write the catalog in one format into the --out directory."""
    catalog = _catalog(producer_config)
    written = _write(catalog, output_format, out)
    click.echo(f"wrote {len(catalog.events)} events as {output_format} to {out}")
    if len(written) == 1:
        click.echo(str(written[0]))


@docs.command("serve", cls=_Command)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Serve this built site instead of building one.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="The port to listen on (0 picks a free one).",
)  # fmt: skip
@_MODULE
@_CONFIG
def serve(
    directory: Path | None, host: str, port: int, producer_config: dict[str, Any] | None
) -> None:
    """Build the HTML catalog and serve it over HTTP until interrupted (Ctrl-C)."""

    def ready(address: str) -> None:
        click.echo(f"Serving the event catalog at {address} (Ctrl-C stops)")

    with tempfile.TemporaryDirectory(prefix="openedx-events-docs-") as built:
        site = directory
        if site is None:
            site = Path(built)
            _write(_catalog(producer_config), "html", site)
        try:
            serve_directory(site, host, port, ready)
        except OSError as error:
            raise click.ClickException(
                f"cannot listen on {host}:{port}: {error.strerror or error}"
            ) from error
