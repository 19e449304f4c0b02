"""Background work (django-tasks): webhook deliveries and Annex A imports started from the page."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def deliver_webhook(delivery_id: int) -> None:
    from safehub.exchange.models import WebhookDelivery
    from safehub.exchange.services import webhook_delivery_attempt

    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is not None:
        webhook_delivery_attempt(delivery=delivery, now=timezone.now())


@task()
def run_annex_a_import(job_id: int) -> None:
    from safehub.exchange.models import ImportJob
    from safehub.exchange.services import annex_a_import

    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    annex_a_import(job=job, by=job.requested_by, now=timezone.now())


@task()
def run_submission_validation(job_id: int) -> None:
    from safehub.exchange.models import ImportJob
    from safehub.exchange.services import submission_job_run

    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    submission_job_run(job=job, now=timezone.now())
