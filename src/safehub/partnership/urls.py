"""The partnership app's pages: each sub-package's URLs, under one namespace ("partnership:...")."""

from django.urls import include, path

app_name = "partnership"
urlpatterns = [
    path("", include("safehub.partnership.dashboard.urls")),
    path("", include("safehub.partnership.reviews.urls")),
    path("", include("safehub.partnership.actions.urls")),
    path("", include("safehub.partnership.audits.urls")),
    path("", include("safehub.partnership.learning.urls")),
    path("", include("safehub.partnership.self_assessment.urls")),
    path("", include("safehub.partnership.escalations.urls")),
    path("", include("safehub.partnership.finance.urls")),
    path("", include("safehub.partnership.meetings.urls")),
    path("", include("safehub.partnership.signoff.urls")),
]
