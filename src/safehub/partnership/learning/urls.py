"""Learning and development: training and briefings: pages (names in the "partnership" namespace)."""

from django.urls import path

from safehub.partnership.learning import views

urlpatterns = [
    path("training/", views.training, name="training"),
    path("training/courses/new/", views.course_create, name="course_create"),
    path("training/courses/<int:course_id>/quality-check/", views.quality_check, name="quality_check"),
    path("training/events/new/", views.event_schedule, name="event_schedule"),
    path("training/events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("briefings/", views.briefing_list, name="briefings"),
    path("briefings/new/", views.briefing_publish, name="briefing_publish"),
    path("briefings/<int:briefing_id>/", views.briefing_detail, name="briefing_detail"),
]
