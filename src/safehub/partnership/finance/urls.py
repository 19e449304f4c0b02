"""Finance: partner contributions: pages (names in the "partnership" namespace)."""

from django.urls import path

from safehub.partnership.finance import views

urlpatterns = [
    path("finance/", views.finance, name="finance"),
    path("finance/new/", views.contribution_record, name="contribution_record"),
    path("finance/<int:contribution_id>/", views.contribution_record, name="contribution_edit"),
]
