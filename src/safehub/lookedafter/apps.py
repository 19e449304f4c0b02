from django.apps import AppConfig


class LookedAfterConfig(AppConfig):
    name = "safehub.lookedafter"
    label = "lookedafter"
    verbose_name = "Children looked after"
