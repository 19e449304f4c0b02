"""Background tasks (django-tasks): the six-month assurance check falling due, and daily chasing."""

from __future__ import annotations

import logging
from datetime import datetime, time

from django.utils import timezone
from django_tasks import default_task_backend, task

from safehub.core.calendar import UK
from safehub.partnership.actions.services import actions_chase_overdue
from safehub.partnership.reviews.services import assurance_checks_fall_due

log = logging.getLogger(__name__)


@task()
def assurance_check_fall_due(check_id: int) -> int:
    """Move the review to 'assurance due' if its check is due now (a no-op when run early)."""
    return assurance_checks_fall_due(now=timezone.now(), check_ids=[check_id])


@task()
def chase_overdue_actions() -> int:
    """Chase overdue actions and let due assurance checks fall due (the daily sweep)."""
    now = timezone.now()
    assurance_checks_fall_due(now=now)
    return len(actions_chase_overdue(now=now))


def schedule_assurance_check(check) -> None:
    """Enqueue the check to fall due at 07:00 UK time on its due date.

    Backends that cannot defer (the immediate backend used in tests) run it now, when it is a
    no-op; the daily ``partnership_chase`` sweep catches it either way.
    """
    run_after = datetime.combine(check.due_date, time(7), tzinfo=UK)
    if default_task_backend.supports_defer:
        assurance_check_fall_due.using(run_after=run_after).enqueue(check.pk)
    else:
        assurance_check_fall_due.enqueue(check.pk)
    log.info("assurance check %s scheduled for %s", check.pk, run_after.isoformat())
