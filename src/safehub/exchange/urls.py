from django.urls import path

from safehub.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.home, name="home"),
    path("returns/<int:submission_id>/", views.submission_detail, name="submission"),
    path("returns/jobs/<int:job_id>/", views.submission_job, name="submission_job"),
    path("tracker/", views.tracker, name="tracker"),
    path("tracker/remind/", views.remind, name="remind"),
    path("annex-a/jobs/<int:job_id>/", views.annex_a_job, name="annex_a_job"),
    path("annex-a/jobs/<int:job_id>/progress/", views.annex_a_job_progress, name="annex_a_job_progress"),
    path("annex-a/jobs/<int:job_id>/errors.csv", views.annex_a_job_errors, name="annex_a_job_errors"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
