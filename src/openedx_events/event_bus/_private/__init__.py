"""Internals of the event bus: records, the backend contract, the producer and consumer runtime."""
