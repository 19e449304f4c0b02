"""Background tasks (django-tasks): building the yearly report."""

from __future__ import annotations

import contextlib
import time

from django.utils import timezone
from django_tasks import task

from safehub.insight import snapshot_store
from safehub.insight.selectors import measures_warm
from safehub.insight.services import report_build_run
from safehub.insight.snapshot import snapshot_refresh

MARKER_SECONDS = 300  # a rebuild queued this recently is not queued again


@task()
def build_yearly_report(build_id: int) -> str:
    """Build the yearly report of a queued ReportBuild; return where it was written."""
    return report_build_run(build_id=build_id, now=timezone.now()).output_dir


# The live measures snapshot (insight.snapshot_store): rebuilt here, off the request path.
REFRESH_MARKER = "REFRESH_QUEUED"


@task()
def refresh_snapshot() -> str:
    """Rebuild the live snapshot from the records and work out the recent years' measures before
    it goes live (pages then read the figures instead of computing them)."""
    cached = snapshot_refresh(prepare=measures_warm)
    with contextlib.suppress(FileNotFoundError):
        (snapshot_store.root() / REFRESH_MARKER).unlink()
    live = snapshot_store.current()
    if live is None or live.stamp != cached.generation:
        # A write cleared the snapshot while this one read the records: it did not go live (it
        # may miss that write), and pages waiting for figures wait for the next build.
        refresh_snapshot_later()
    return cached.generation


def refresh_snapshot_later() -> bool:
    """Queue a rebuild for the task worker unless one was queued in the last few minutes; True
    when a rebuild is queued (now or then).

    Only where the task backend runs tasks in a worker: with the immediate backend (tests) a page
    never builds in the background of itself (False); it rebuilds when the snapshot is too old to serve.
    """
    backend = refresh_snapshot.get_backend()
    if not backend.supports_defer:
        return False
    marker = snapshot_store.root() / REFRESH_MARKER
    try:
        if time.time() - marker.stat().st_mtime < MARKER_SECONDS:
            return True
    except FileNotFoundError:
        pass
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    refresh_snapshot.enqueue()
    return True
