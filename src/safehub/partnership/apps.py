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

        # Chasing overdue actions and letting assurance checks fall due, daily (``safehub daily``).
        from safehub.core import daily
        from safehub.partnership.actions.services import actions_chase_overdue
        from safehub.partnership.reviews.services import assurance_checks_fall_due

        def chase(now) -> str:
            due = assurance_checks_fall_due(now=now)
            return f"{len(actions_chase_overdue(now=now))} overdue action(s) chased, {due} assurance check(s) now due"

        daily.register("partnership_chase", chase)
