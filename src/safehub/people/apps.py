from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safehub.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from safehub.core import requestcache
        from safehub.people.models import Involvement

        # A list worked out earlier in this request must not miss an involvement written since.
        for signal in (post_save, post_delete):
            signal.connect(requestcache.clear, sender=Involvement, dispatch_uid=f"people.involvement.{signal}")
