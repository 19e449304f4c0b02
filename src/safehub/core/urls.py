from django.urls import path

from safehub.core import exports_views, outbox_views, views
from safehub.core.identity import oidc

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/oidc/", oidc.SignInStart.as_view(), name="oidc_start"),
    path("sign-in/oidc/callback/", oidc.SignInCallback.as_view(), name="oidc_callback"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/enrol/<str:token>/", views.enrol, name="enrol"),
    path("enrolment-links/", views.enrolment_links, name="enrolment_links"),
    path("audit/", views.audit_search_view, name="audit_search"),
    path("security/review/", views.security_review, name="security_review"),
    path("events/outbox/", outbox_views.outbox_page, name="outbox"),
    path("exports/<int:export_id>/", exports_views.export_page, name="export"),
    path("exports/<int:export_id>/progress/", exports_views.export_progress, name="export_progress"),
    path("exports/<int:export_id>/download/", exports_views.export_download, name="export_download"),
]
