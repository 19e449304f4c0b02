from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "safehub.returns"
    label = "returns"
    verbose_name = "Statutory returns"

    def ready(self) -> None:
        # A requested CIN census check is run by the task worker (returns.cin_census.check).
        from safehub.returns.cin_census import check, tasks

        check.census_check_requester = tasks.run_census_check.enqueue
