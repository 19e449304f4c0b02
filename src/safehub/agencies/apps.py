from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "safehub.agencies"
    label = "agencies"
    verbose_name = "Agencies"

    def ready(self) -> None:
        # Core's access policy, audit trail and page shell ask who a user is through these lookups.
        from safehub.agencies.selectors import demo_sign_in_list, membership_for_user
        from safehub.core import membership

        membership.register(lookup=membership_for_user, demo_sign_ins=demo_sign_in_list)
