from django.apps import AppConfig


class LookedAfterConfig(AppConfig):
    name = "safehub.lookedafter"
    label = "lookedafter"
    verbose_name = "Children looked after"

    def ready(self) -> None:
        # Periods of care hang off casework's LookedAfterEpisode, so this app sits above casework:
        # it hands casework the care actions of the child's page and the reads its task list and
        # page show, instead of casework importing this app (casework.care).
        from safehub.casework.care import CareHooks, care_hooks_register
        from safehub.lookedafter import forms, selectors, services

        care_hooks_register(
            CareHooks(
                action_forms={
                    "cla_start": forms.ClaStartForm,
                    "cla_end": forms.ClaEndForm,
                    "cla_review": forms.ClaReviewForm,
                },
                care_start=services.case_care_start,
                open_period=services.open_period,
                care_end=services.care_end,
                review_held=services.case_review_held,
                health_assessment_done=services.case_health_assessment_done,
                reviews_due=selectors.reviews_due,
                health_assessments_due=selectors.health_assessments_due,
                history=selectors.case_history,
            )
        )
