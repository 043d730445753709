"""Django management commands (available when ``openedx_events`` is in INSTALLED_APPS)."""
