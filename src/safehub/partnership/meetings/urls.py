"""Sub-group meetings: pages (names in the "partnership" namespace)."""

from django.urls import path

from safehub.partnership.meetings import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_record, name="meeting_record"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/actions/new/", views.meeting_action_add, name="meeting_action_add"),
    path("meetings/actions/<int:action_id>/complete/", views.meeting_action_complete, name="meeting_action_complete"),
]
