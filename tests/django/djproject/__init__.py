"""A minimal Django project that installs ``openedx_events`` like a platform service does."""
