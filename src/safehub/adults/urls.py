app_name = "adults"
urlpatterns: list = []
