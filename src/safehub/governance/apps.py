from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "safehub.governance"
    label = "governance"
    verbose_name = "Information governance"

    def ready(self) -> None:
        # Records past their retention period get a review, daily (``safehub daily``).
        from safehub.core import daily
        from safehub.governance.services import retention_scan

        daily.register("retention_scan", lambda now: f"{len(retention_scan(now=now))} retention reviews opened")
