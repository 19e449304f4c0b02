from django.apps import AppConfig


class AdultsConfig(AppConfig):
    name = "safehub.adults"
    label = "adults"

    def ready(self) -> None:
        # Casework's transitions list shows who is known to adult safeguarding; casework sits below
        # this app, so the app hands it the read instead of casework importing adults' models.
        from safehub.adults.selectors_transitions import adult_concern_person_ids
        from safehub.casework.selectors import adult_concern_source_register

        adult_concern_source_register(adult_concern_person_ids)
