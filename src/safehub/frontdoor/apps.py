from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "safehub.frontdoor"
    label = "frontdoor"

    def ready(self) -> None:
        from safehub.core import events
        from safehub.frontdoor import subscribers

        # Notifications are written with the match and delivered by the outbox worker after commit.
        events.subscribe(
            "notification.created",
            subscribers.education_notification_announce,
            name=subscribers.EDUCATION_NOTIFICATIONS,
            kinds=["education_notification"],
        )
        events.subscribe(
            "notification.created",
            subscribers.health_visiting_notice_announce,
            name=subscribers.HEALTH_VISITING_NOTICES,
            kinds=["health_visiting_notice"],
        )
