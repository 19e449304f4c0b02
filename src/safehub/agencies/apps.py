from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "safehub.agencies"
    label = "agencies"
    verbose_name = "Agencies"
