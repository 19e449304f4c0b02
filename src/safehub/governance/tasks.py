"""Scheduled information-governance work, run by the task worker."""

from django.utils import timezone
from django_tasks import task


@task()
def retention_scan_task() -> int:
    """Open retention reviews for records past their retention period (idempotent)."""
    from safehub.governance.services import retention_scan

    return len(retention_scan(now=timezone.now()))
