from django.urls import path, re_path

from safehub.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.home, name="home"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/<slug:measure_id>/", views.measure_detail, name="measure"),
    path("measures/<slug:measure_id>/records/", views.measure_records, name="measure_records"),
    path("dashboard/", views.dashboard, name="dashboard"),
    re_path(r"^charts/(?P<name>[a-z0-9_-]+)\.(?P<fmt>svg|png|csv)$", views.chart, name="chart"),
    path("report/", views.report, name="report"),
    path("report/build/", views.report_build, name="report_build"),
    path("report/builds/<int:build_id>/progress/", views.report_build_progress, name="report_build_progress"),
    path("report/builds/<int:build_id>/<str:filename>", views.report_file, name="report_file"),
    path("report/<str:year>/sections/<str:key>/", views.section_edit, name="section_edit"),
]
