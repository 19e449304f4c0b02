from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "safehub.partnership"
    label = "partnership"

    def ready(self) -> None:
        from safehub.core import events
        from safehub.partnership import subscribers
        from safehub.partnership.actions.services import MESSAGE_KIND

        # Messages to agencies are written by the sweeps and delivered by the outbox worker after commit.
        events.subscribe(
            "notification.created",
            subscribers.partnership_message_announce,
            name=subscribers.MESSAGES,
            kinds=[MESSAGE_KIND],
        )
        # A published review's assurance check is scheduled on the task queue (partnership.reviews.services).
        from safehub.partnership import tasks
        from safehub.partnership.reviews import services as reviews_services

        reviews_services.assurance_check_scheduler = tasks.schedule_assurance_check
