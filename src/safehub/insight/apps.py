from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "safehub.insight"
    label = "insight"

    def ready(self) -> None:
        # The apps beneath insight read the measures through core.measures_port (no import of insight).
        from safehub.core import measures_port
        from safehub.insight import snapshot, tasks
        from safehub.insight.selectors import measures_with_time
        from safehub.insight.snapshot import snapshot_cache_clear

        measures_port.register(
            measures_port.MeasuresSource(values_for_year=measures_with_time, records_changed=snapshot_cache_clear)
        )
        # The partnership's sign-off workflow reads the report's sections and builds the same way.
        from safehub.insight import report_port_source
        from safehub.partnership.signoff import report_port

        report_port.register(report_port_source.SOURCE)
        # A snapshot getting old asks the task worker for a new one (insight.snapshot_store).
        snapshot.refresh_requester = tasks.refresh_snapshot_later
        # A report build asked for on the page is run by the task worker (insight.services).
        from safehub.insight import services

        services.build_requester = tasks.build_yearly_report.enqueue
