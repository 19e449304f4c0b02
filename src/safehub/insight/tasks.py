"""Background tasks (django-tasks): building the yearly report."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def build_yearly_report(build_id: int) -> str:
    """Build the yearly report of a queued ReportBuild; return where it was written."""
    from safehub.insight.services import report_build_run

    return report_build_run(build_id=build_id, now=timezone.now()).output_dir
