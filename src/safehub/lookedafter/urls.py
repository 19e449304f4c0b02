from django.urls import path

from safehub.lookedafter import views

app_name = "lookedafter"
urlpatterns = [
    path("", views.children, name="list"),
    path("providers/", views.providers, name="providers"),
    path("care-leavers/", views.care_leavers, name="care_leavers"),
    path("children/<int:person_id>/", views.child, name="child"),
    path("children/<int:person_id>/<str:action>/", views.child_action, name="child_action"),
]
