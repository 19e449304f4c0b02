from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safehub.people"
    label = "people"
    verbose_name = "People"
