"""The enrollments app connects its bus receiver when Django is ready."""

from django.apps import AppConfig


class EnrollmentsConfig(AppConfig):
    name = "djproject.enrollments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from djproject.enrollments import receivers  # noqa: F401, PLC0415  (connects on import)
