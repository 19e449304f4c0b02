"""Multi-agency case audits: pages (names in the "partnership" namespace)."""

from django.urls import path

from safehub.partnership.audits import views

urlpatterns = [
    path("audits/", views.audit_list, name="audits"),
    path("audits/new/", views.audit_plan, name="audit_plan"),
    path("audits/<int:audit_id>/sample/", views.audit_sample, name="audit_sample"),
    path("audits/<int:audit_id>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:audit_id>/cases/<int:case_id>/", views.audit_answer, name="audit_answer"),
]
