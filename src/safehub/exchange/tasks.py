"""Background work (django-tasks): Annex A imports and return checks started from the page.

Webhook deliveries are ``webhooks.deliver_webhook`` (named here too, for tasks queued before it moved).
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from safehub.exchange.models import ImportJob
from safehub.exchange.services import annex_a_import, submission_job_run
from safehub.exchange.webhooks import deliver_webhook  # noqa: F401  (the task's former address)


@task()
def run_annex_a_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    annex_a_import(job=job, by=job.requested_by, now=timezone.now())


@task()
def run_submission_validation(job_id: int) -> None:
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    submission_job_run(job=job, now=timezone.now())
