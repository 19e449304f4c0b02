from django.urls import path

from safehub.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:person_id>/", views.detail, name="detail"),
    path("<int:person_id>/edit/", views.edit, name="edit"),
    path("<int:person_id>/chronology/print/", views.chronology_print, name="chronology_print"),
    path("<int:person_id>/addresses/new/", views.address_add, name="address_add"),
    path("<int:person_id>/relationships/new/", views.relationship_add, name="relationship_add"),
    path("<int:person_id>/break-glass/", views.break_glass, name="break_glass"),
    path("<int:person_id>/access-log/", views.access_log, name="access_log"),
    path("<int:person_id>/seal/", views.seal, name="seal"),
    path("break-glass/<int:grant_id>/review/", views.break_glass_review, name="break_glass_review"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:candidate_id>/decide/", views.duplicate_decide, name="duplicate_decide"),
    path("merges/<int:merge_id>/undo/", views.unmerge, name="unmerge"),
]
