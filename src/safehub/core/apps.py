from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safehub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from safehub.core import signals  # noqa: F401  (sign-in audit receivers)
