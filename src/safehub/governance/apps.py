from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "safehub.governance"
    label = "governance"
    verbose_name = "Information governance"
