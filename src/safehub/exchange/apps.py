from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safehub.exchange"
    label = "exchange"

    def ready(self) -> None:
        from safehub.core import events
        from safehub.exchange import webhooks

        # Agency systems hear of every event through their webhook subscriptions (core.events' outbox).
        for name in events.EVENTS:
            events.subscribe(name, webhooks.webhook_event_announce, name=webhooks.OUTBOX_SUBSCRIBER)
        # A webhook that gives up is a dead letter on the outbox page; retrying it there requeues the POST.
        events.redeliverer_register(webhooks.REDELIVERY_PREFIX, webhooks.webhook_redeliverer)

        # Reminders for data returns due soon or missing, daily (``safehub daily``).
        from safehub.core import daily
        from safehub.core.actors import command_line
        from safehub.exchange import services

        daily.register(
            "exchange_remind",
            lambda now: f"{len(services.submission_reminders_create(now=now, by=command_line()))} reminders created",
        )
