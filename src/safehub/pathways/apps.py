from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "safehub.pathways"
    label = "pathways"
    verbose_name = "Pathways around the front door"
