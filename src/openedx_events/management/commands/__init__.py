"""The package's Django management commands."""
