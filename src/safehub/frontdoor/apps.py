from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "safehub.frontdoor"
    label = "frontdoor"

    def ready(self) -> None:
        from django.urls import reverse

        from safehub.core import events, exports
        from safehub.frontdoor import exports as frontdoor_exports
        from safehub.frontdoor import subscribers

        # Large files are prepared by the task worker and downloaded from their own page.
        exports.register(
            frontdoor_exports.POLICE_TIMELINESS_EXPORT,
            title="Police referral timeliness (CSV)",
            builder=frontdoor_exports.police_timeliness_file,
            permission="frontdoor.police_timeliness",
            back_url=lambda p: reverse("frontdoor:police_timeliness"),
        )

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
