"""Escalations (resolving professional differences): pages (names in the "partnership" namespace)."""

from django.urls import path

from safehub.partnership.escalations import views

urlpatterns = [
    path("escalations/", views.escalation_list, name="escalations"),
    path("escalations/new/", views.escalation_raise, name="escalation_raise"),
    path("escalations/<int:escalation_id>/", views.escalation_detail, name="escalation_detail"),
]
