"""The recorder app connects its receivers when Django is ready, the usual plugin pattern."""

from django.apps import AppConfig


class RecorderConfig(AppConfig):
    name = "djproject.recorder"

    def ready(self) -> None:
        from djproject.recorder import receivers  # noqa: F401, PLC0415  (connects on import)
