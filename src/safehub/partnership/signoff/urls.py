"""The yearly report's sign-off: pages (names in the "partnership" namespace)."""

from django.urls import path

from safehub.partnership.signoff import views

urlpatterns = [
    path("yearly-report/", views.report_drafts, name="report_drafts"),
    path("yearly-report/<str:year>/", views.report_draft, name="report_draft"),
    path("yearly-report/<str:year>/assign/", views.report_assign, name="report_assign"),
    path("yearly-report/<str:year>/sections/<str:key>/ready/", views.report_ready, name="report_ready"),
    path("yearly-report/<str:year>/comment/", views.report_comment, name="report_comment"),
    path("yearly-report/<str:year>/submit/", views.report_submit, name="report_submit"),
    path("yearly-report/<str:year>/decide/", views.report_decide, name="report_decide"),
    path("yearly-report/<str:year>/publish/", views.report_publish, name="report_publish"),
    path("yearly-report/<str:year>/published/<str:name>", views.report_published, name="report_published"),
]
