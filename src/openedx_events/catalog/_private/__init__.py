"""Internals of the generated event catalog: its model, and one renderer per output format."""
