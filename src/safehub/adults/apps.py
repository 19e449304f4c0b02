from django.apps import AppConfig


class AdultsConfig(AppConfig):
    name = "safehub.adults"
    label = "adults"
