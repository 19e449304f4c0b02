"""The SSDA903 pre-submission page, mounted by ``config.urls`` in the looked-after URL namespace."""

from django.urls import path

from safehub.returns.ssda903 import views

urlpatterns = [
    path("ssda903/", views.ssda903_check, name="ssda903_check"),
]
