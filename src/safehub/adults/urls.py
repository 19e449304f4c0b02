from django.urls import path

from safehub.adults import views, views_mca, views_pathways

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
    path("dols/", views_pathways.dols, name="dols"),
    path("dols/<int:application_id>/", views_mca.dols_detail, name="dols_detail"),
    path("dols/<int:application_id>/<str:step>/", views_mca.dols_step, name="dols_step"),
    path("people/<int:person_id>/capacity/", views_mca.mca_person, name="mca_person"),
    path("people/<int:person_id>/capacity/<str:step>/", views_mca.mca_step, name="mca_step"),
    path("capacity/<int:assessment_id>/best-interests/", views_mca.best_interests, name="best_interests"),
    path("self-neglect/", views_pathways.self_neglect_list, name="self_neglect_list"),
    path("self-neglect/new/", views_pathways.self_neglect_open, name="self_neglect_open"),
    path("self-neglect/<int:case_id>/", views_pathways.self_neglect_detail, name="self_neglect"),
    path("self-neglect/<int:case_id>/<str:step>/", views_pathways.self_neglect_step, name="self_neglect_step"),
    path(
        "self-neglect/<int:case_id>/actions/<int:action_id>/done/",
        views_pathways.self_neglect_action_done,
        name="self_neglect_action_done",
    ),
    path("transitions/", views_mca.transitions, name="transitions"),
    path("providers/", views_pathways.providers, name="providers"),
    path("positions-of-trust/", views_pathways.pipot, name="pipot"),
    path("positions-of-trust/new/", views_pathways.pipot_new, name="pipot_new"),
    path("positions-of-trust/<int:case_id>/lado/", views_pathways.pipot_link_lado, name="pipot_link_lado"),
]
