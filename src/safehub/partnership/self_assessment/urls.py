"""Section 11 and section 175 self-assessments: pages (names in the "partnership" namespace)."""

from django.urls import path

from safehub.partnership.self_assessment import views

urlpatterns = [
    path("self-assessments/", views.cycle_list, name="cycles"),
    path("self-assessments/new/", views.cycle_open, name="cycle_open"),
    path("self-assessments/<int:cycle_id>/", views.cycle_detail, name="cycle_detail"),
    path("self-assessments/returns/<int:return_id>/", views.return_edit, name="return_edit"),
]
