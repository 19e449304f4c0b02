"""Background work (django-tasks): matching an uploaded roll to the register."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from safehub.pathways.models import RollUpload
from safehub.pathways.roll_services import roll_match


@task()
def run_roll_matching(upload_id: int) -> None:
    upload = RollUpload.objects.filter(pk=upload_id, matched_at__isnull=True).first()
    if upload is not None:
        roll_match(upload=upload, now=timezone.now())
