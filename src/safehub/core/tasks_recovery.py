"""Recover background work after a task worker died.

The database task backend marks a task RUNNING when a worker takes it. If the worker process is
killed (out of memory, a restart, kill -9), that row stays RUNNING for ever and the work is lost.
Safehub's tasks are written to be idempotent (a retention scan, a webhook delivery, a reminder run
twice does no harm), so a task RUNNING for longer than any task should take is put back in the queue.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def tasks_recover_stale(*, now: datetime, stale_after: timedelta = timedelta(minutes=15)) -> int:
    """Return RUNNING tasks older than ``stale_after`` to READY so the next worker runs them again."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=now - stale_after).update(
        status="READY", started_at=None, worker_ids=[]
    )
