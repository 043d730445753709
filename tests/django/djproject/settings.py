"""Settings of the test project: the events app, one app with receivers, SQLite in memory."""

SECRET_KEY = "test-only-not-secret"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "openedx_events",
    "djproject.recorder",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EVENTS_SERVICE_NAME = "lms"
ROOT_URLCONF = "djproject.urls"
