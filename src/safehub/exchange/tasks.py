"""Background work (django-tasks): the data return checks started from the page.

Annex A's import is ``returns.annex_a.tasks.run_annex_a_import`` (the return's own).

Webhook deliveries are ``webhooks.deliver_webhook`` (named here too, for tasks queued before it moved).
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from safehub.exchange.models import ImportJob
from safehub.exchange.services import submission_job_run
from safehub.exchange.webhooks import deliver_webhook  # noqa: F401  (the task's former address)


@task()
def run_submission_validation(job_id: int) -> None:
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    submission_job_run(job=job, now=timezone.now())
