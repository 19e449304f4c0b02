from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safehub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from safehub.core import requestcache, signals, sqlite_engine  # noqa: F401  (receivers, the SQLite check)
        from safehub.core.sql import register_lookups

        register_lookups()  # field__any_of=[...]: one parameter, hashed on PostgreSQL

        # A read-only request's lists share what they work out, for that request only.
        request_started.connect(requestcache.request_opened, dispatch_uid="safehub.requestcache.open")
        request_finished.connect(requestcache.request_closed, dispatch_uid="safehub.requestcache.close")

        # The task worker's background work yields the cores to the pages served beside it.
        from django_tasks.signals import task_started

        from safehub.core.tasks_priority import lower_priority

        task_started.connect(lower_priority, dispatch_uid="safehub.tasks.lower_priority")

        # Daily clean-up (``safehub daily``): delivered events past retention, expired exports.
        from safehub.core import daily, exports, outbox

        daily.register(
            "outbox_prune",
            lambda now: f"{outbox.outbox_prune(now=now, days=outbox.retention_days())} delivered events removed",
        )
        daily.register("exports_prune", lambda now: f"{exports.exports_prune(now=now)} expired exports removed")
