"""The test project's URLs: the events metrics, where a service would mount them."""

from django.urls import path

from openedx_events.metrics_view import metrics_view

urlpatterns = [path("metrics/events", metrics_view)]
