from django.urls import path

from safehub.frontdoor import views

app_name = "frontdoor"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/match/", views.match_lookup, name="match_lookup"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact"),
    path("contacts/<int:contact_id>/rag/", views.contact_rate, name="contact_rate"),
    path("contacts/<int:contact_id>/match/", views.contact_match, name="contact_match"),
    path("contacts/<int:contact_id>/information/", views.contact_request_information, name="contact_request"),
    path("contacts/<int:contact_id>/decision/", views.contact_decide, name="contact_decide"),
    path("contacts/<int:contact_id>/sign-off/", views.contact_sign_off, name="contact_sign_off"),
    path("contacts/<int:contact_id>/late/", views.contact_flag_late, name="contact_flag_late"),
    path("police-timeliness/", views.police_timeliness, name="police_timeliness"),
    path("police-timeliness/export/", views.police_timeliness_export, name="police_timeliness_export"),
    path("ppn-grading/", views.ppn_grading, name="ppn_grading"),
    path("late-flags/<int:flag_id>/respond/", views.late_flag_respond, name="late_flag_respond"),
    path("information-requests/", views.health_queue, name="health_queue"),
    path("information-requests/<int:request_id>/", views.health_answer, name="health_answer"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/acknowledge/",
        views.notification_acknowledge,
        name="notification_acknowledge",
    ),
    path("health-visiting/", views.health_visiting, name="health_visiting"),
    path(
        "health-visiting/<int:notice_id>/acknowledge/",
        views.health_visiting_acknowledge,
        name="health_visiting_acknowledge",
    ),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes/<int:share_id>/", views.outcome_detail, name="outcome"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<int:consultation_id>/advise/", views.consultation_advise, name="consultation_advise"),
]
