from django.urls import path

from safehub.earlyhelp import views

app_name = "earlyhelp"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("step-down/", views.step_down, name="step_down"),
    path("<int:episode_id>/", views.episode, name="episode"),
    path("<int:episode_id>/<str:name>/", views.action, name="action"),
    path("family-safeguarding/<int:person_id>/", views.family_safeguarding, name="family_safeguarding"),
    path("specialist/<int:attachment_id>/<str:name>/", views.specialist_action, name="specialist_action"),
]
