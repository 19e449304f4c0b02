from django.urls import path

from safehub.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("audit/", views.audit_search_view, name="audit_search"),
    path("security/review/", views.security_review, name="security_review"),
]
