from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "safehub.insight"
    label = "insight"

    def ready(self) -> None:
        from safehub.core import measures_port
        from safehub.insight import report_port_source, services, snapshot, tasks
        from safehub.insight.selectors import measures_with_time
        from safehub.partnership.signoff import report_port

        # The apps beneath insight read the measures through core.measures_port (no import of insight).
        measures_port.register(
            measures_port.MeasuresSource(
                values_for_year=measures_with_time, records_changed=snapshot.snapshot_cache_clear
            )
        )
        # The partnership's sign-off workflow reads the report's sections and builds the same way.
        report_port.register(report_port_source.SOURCE)
        # A snapshot getting old asks the task worker for a new one (insight.snapshot_store).
        snapshot.refresh_requester = tasks.refresh_snapshot_later
        # A report build asked for on the page is run by the task worker (insight.services).
        services.build_requester = tasks.build_yearly_report.enqueue
