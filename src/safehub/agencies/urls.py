from django.urls import path

from safehub.agencies import views

app_name = "agencies"
urlpatterns = [path("", views.agency_list_view, name="list")]
