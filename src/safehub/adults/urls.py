from django.urls import path

from safehub.adults import views

app_name = "adults"
urlpatterns = [
    path("", views.home, name="home"),
    path("concerns/new/", views.concern_create, name="concern_create"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern"),
    path("concerns/<int:concern_id>/decide/", views.concern_decide, name="concern_decide"),
    path("concerns/<int:concern_id>/risk-actions/new/", views.risk_action_add, name="risk_action_add"),
    path("enquiries/<int:enquiry_id>/", views.enquiry_detail, name="enquiry"),
    path("enquiries/<int:enquiry_id>/edit/", views.enquiry_edit, name="enquiry_edit"),
    path("enquiries/<int:enquiry_id>/conclude/", views.enquiry_conclude, name="enquiry_conclude"),
    path("measures/", views.measures, name="measures"),
    path("measures.csv", views.measures_csv, name="measures_csv"),
]
