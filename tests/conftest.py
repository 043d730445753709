"""Shared fixtures: the whole catalog is loaded once for every test."""

from openedx_events.tooling import load_all_signals

load_all_signals()
