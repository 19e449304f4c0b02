"""The Annex A page, mounted by ``config.urls`` in the exchange URL namespace (``exchange:annex_a``)."""

from django.urls import path

from safehub.returns.annex_a import views

urlpatterns = [
    path("annex-a/", views.annex_a, name="annex_a"),
    path("annex-a/export/", views.annex_a_export, name="annex_a_export"),
]
