from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "safehub.pathways"
    label = "pathways"
    verbose_name = "Pathways around the front door"

    def ready(self) -> None:
        from django.urls import reverse

        from safehub.core import events, exports
        from safehub.pathways import cpis_selectors, subscribers

        # The CP-IS file is prepared by the task worker and downloaded from its own page.
        exports.register(
            cpis_selectors.CPIS_EXPORT,
            title="CP-IS file for the NHS national system (CSV)",
            builder=cpis_selectors.cpis_export_file,
            permission="frontdoor.sign_off",
            back_url=lambda p: reverse("pathways:home"),
        )

        # A CP-IS attendance is written by the setting and delivered to the social worker after commit.
        events.subscribe(
            "notification.created",
            subscribers.cpis_attendance_announce,
            name=subscribers.CPIS_ATTENDANCES,
            kinds=["cpis_attendance"],
        )
        # An uploaded roll is matched by the task worker (pathways.roll_services).
        from safehub.pathways import roll_services, tasks

        roll_services.roll_matching_requester = tasks.run_roll_matching.enqueue
