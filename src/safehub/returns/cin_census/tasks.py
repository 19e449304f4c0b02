"""Background tasks (django-tasks): the analyst's CIN census pre-submission check."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from safehub.returns.cin_census.check import census_check_run


@task()
def run_census_check(check_id: int) -> str:
    """Run a queued CIN census check through the DfE rules; return its summary."""
    return census_check_run(check_id=check_id, now=timezone.now()).message
