from django.apps import AppConfig


class EarlyHelpConfig(AppConfig):
    name = "safehub.earlyhelp"
    label = "earlyhelp"
    verbose_name = "Early help and family help"
