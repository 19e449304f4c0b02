"""Background work (django-tasks): the Annex A import started from the page."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from safehub.exchange.models import ImportJob
from safehub.returns.annex_a.services import annex_a_import


@task()
def run_annex_a_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    annex_a_import(job=job, by=job.requested_by, now=timezone.now())
