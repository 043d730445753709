"""The event bus: carries events between services."""
