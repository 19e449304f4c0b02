from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "safehub.casework"
    label = "casework"
