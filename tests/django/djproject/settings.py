"""Settings of the test project: the events app, two apps of its own, SQLite or PostgreSQL.

The environment chooses the database (``DJPROJECT_DATABASE``: ``sqlite``, the default, or
``postgresql``, named by ``DJPROJECT_DB_NAME`` on ``DJPROJECT_PGHOST``:``DJPROJECT_PGPORT``)
and the event bus file (``DJPROJECT_BUS``), so every test run gets databases of its own.
"""

import os
import tempfile

SECRET_KEY = "test-only-not-secret"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "openedx_events",
    "djproject.recorder",
    "djproject.enrollments",
]
if os.environ.get("DJPROJECT_DATABASE", "sqlite") == "postgresql":
    _NAME = os.environ["DJPROJECT_DB_NAME"]
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("DJPROJECT_PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("DJPROJECT_PGPORT", "5432"),
            "USER": os.environ.get("DJPROJECT_PGUSER", "postgres"),
            "NAME": _NAME,
            # "none" keeps connections open for good, as long-running consumers may.
            "CONN_MAX_AGE": (
                None
                if os.environ.get("DJPROJECT_CONN_MAX_AGE") == "none"
                else int(os.environ.get("DJPROJECT_CONN_MAX_AGE", "0"))
            ),
            "TEST": {"NAME": f"test_{_NAME}"},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJPROJECT_DB_NAME", ":memory:"),
            "OPTIONS": {"timeout": 30},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EVENTS_SERVICE_NAME = "lms"
ROOT_URLCONF = "djproject.urls"

EVENT_BUS_SQLITE_PATH = os.environ.get(
    "DJPROJECT_BUS", os.path.join(tempfile.gettempdir(), f"djproject-bus-{os.getpid()}.db")
)
EVENT_BUS_PRODUCER = os.environ.get(
    "DJPROJECT_PRODUCER", "openedx_events.event_bus.sqlite.create_producer"
)
EVENT_BUS_CONSUMER = "openedx_events.event_bus.sqlite.create_consumer"
if os.environ.get("DJPROJECT_REDIS_URL"):
    EVENT_BUS_REDIS_CONNECTION_URL = os.environ["DJPROJECT_REDIS_URL"]
EVENT_BUS_PRODUCER_MODE = os.environ.get("DJPROJECT_MODE", "on_commit")
#: With DJPROJECT_ROUTE set, enrollments go to the "enrollments" topic, keyed by course; the
#: tests run by Django's runner route them with override_settings instead.
ENROLLMENT_ROUTES = {
    "org.openedx.learning.course.enrollment.created.v1": {
        "enrollments": {"event_key_field": "enrollment.course.course_key", "enabled": True},
    },
}
EVENT_BUS_PRODUCER_CONFIG = ENROLLMENT_ROUTES if os.environ.get("DJPROJECT_ROUTE") else {}
# A consumer waits out a database restart: its receivers fail until the server is back.
EVENT_BUS_CONSUMER_MAX_ATTEMPTS = int(os.environ.get("DJPROJECT_MAX_ATTEMPTS", "3"))
EVENT_BUS_CONSUMER_RETRY_DELAY = 0.2
LOGGING = {
    "version": 1,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"openedx_events": {"handlers": ["stderr"], "level": "WARNING"}},
}
