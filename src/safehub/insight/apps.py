from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "safehub.insight"
    label = "insight"
