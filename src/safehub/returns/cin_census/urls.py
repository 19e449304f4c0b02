"""The CIN census check page, mounted by ``config.urls`` in casework's URL namespace (``casework:census_check``)."""

from django.urls import path

from safehub.returns.cin_census import views

urlpatterns = [
    path("census-check/", views.census_check_view, name="census_check"),
]
