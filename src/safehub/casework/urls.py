from django.urls import path

from safehub.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("shared-with-us/", views.shared_with_us, name="shared"),
    path("transitions/", views.transitions_view, name="transitions"),
    path("caseload/", views.caseload_view, name="caseload"),
    path("children/<int:person_id>/", views.child, name="child"),
    path("children/<int:person_id>/case/", views.case_view, name="case"),
    path("children/<int:person_id>/case/<str:action>/", views.case_action, name="case_action"),
    path("children/<int:person_id>/<str:action>/", views.child_action, name="child_action"),
    path("meetings/new/<int:person_id>/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/record.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("meetings/<int:meeting_id>/<str:action>/", views.meeting_action, name="meeting_action"),
    path("outcomes/<int:share_id>/", views.case_outcome, name="case_outcome"),
]
