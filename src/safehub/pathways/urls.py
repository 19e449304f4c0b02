from django.urls import path

from safehub.pathways import views, views_cpis, views_missing

app_name = "pathways"
urlpatterns = [
    path("", views.home, name="home"),
    path("measures/", views.measures, name="measures"),
    path("lado/", views.lado_list, name="lado_list"),
    path("lado/new/", views.lado_new, name="lado_new"),
    path("lado/<int:case_id>/", views.lado_case, name="lado_case"),
    path("lado/<int:case_id>/<str:action>/", views.lado_action, name="lado_action"),
    path("private-fostering/", views.pf_list, name="pf_list"),
    path("private-fostering/new/", views.pf_new, name="pf_new"),
    path("private-fostering/<int:arrangement_id>/", views.pf_detail, name="pf"),
    path("private-fostering/<int:arrangement_id>/<str:action>/", views.pf_action, name="pf_action"),
    path("education/", views.edu_list, name="edu_list"),
    path("education/new/", views.edu_new, name="edu_new"),
    path("education/<int:entry_id>/", views.edu_detail, name="edu"),
    path("education/<int:entry_id>/<str:action>/", views.edu_action, name="edu_action"),
    path("marac/", views.marac_list, name="marac_list"),
    path("marac/new/", views.marac_new, name="marac_new"),
    path("marac/<int:link_id>/", views.marac_detail, name="marac"),
    path("marac/<int:link_id>/<str:action>/", views.marac_action, name="marac_action"),
    path("encompass/rolls/", views.roll_list, name="roll_list"),
    path("encompass/rolls/<int:upload_id>/", views.roll_detail, name="roll"),
    path("encompass/review/", views.roll_review, name="roll_review"),
    path("encompass/review/<int:row_id>/", views.roll_resolve, name="roll_resolve"),
    path("cp-is/", views_cpis.cpis_lookup, name="cpis_lookup"),
    path("cp-is/attendance/", views_cpis.cpis_attendance, name="cpis_attendance"),
    path("cp-is/recorded/", views_cpis.cpis_recorded, name="cpis_recorded"),
    path("cp-is/attendances/", views_cpis.cpis_attendances, name="cpis_attendances"),
    path("cp-is/attendances/<int:attendance_id>/seen/", views_cpis.cpis_seen, name="cpis_seen"),
    path("cp-is/export/", views_cpis.cpis_export, name="cpis_export"),
    path("missing/", views_missing.missing_list, name="missing_list"),
    path("missing/<int:episode_id>/link/", views_missing.missing_link, name="missing_link"),
    path("missing/<int:episode_id>/convene/", views_missing.missing_convene, name="missing_convene"),
]
