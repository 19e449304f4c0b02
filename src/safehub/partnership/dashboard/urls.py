"""The partnership's dashboard: pages (names in the "partnership" namespace)."""

from django.urls import path

from safehub.partnership.dashboard import views

urlpatterns = [
    path("", views.home, name="home"),
]
