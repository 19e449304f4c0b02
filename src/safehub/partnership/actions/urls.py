"""Recommendations, action plans, inspections and notifications to agencies: pages (names in the
"partnership" namespace).
"""

from django.urls import path

from safehub.partnership.actions import views

urlpatterns = [
    path("<str:kind>/<int:pk>/recommendations/new/", views.recommendation_add, name="recommendation_add"),
    path("recommendations/<int:recommendation_id>/actions/new/", views.action_add, name="action_add"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_record, name="inspection_record"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
]
