"""Internals: nothing here is public API, and any of it may change without notice."""
