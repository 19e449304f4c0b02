"""Flag abnormal reading of person records (ASVS 8.1.4 bulk-extraction detection)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from safehub.core.models import AlertKind, AuditAction, AuditEvent, SecurityAlert


def check_bulk_read(*, user, now: datetime) -> SecurityAlert | None:
    """Raise one alert when a user has viewed more distinct people than the limit in the window."""
    limit = settings.SAFEHUB_BULK_READ_ALERT["records"]
    window = timedelta(minutes=settings.SAFEHUB_BULK_READ_ALERT["minutes"])
    since = now - window
    # Cheap early exits: one alert a window (once raised, every later read in the window would count
    # again for nothing: two counts over the user's audit rows on each of their requests), then the
    # rows, and the distinct people only when the row count could exceed the limit.
    if SecurityAlert.objects.filter(user=user, kind=AlertKind.BULK_READ, raised_at__gte=since).exists():
        return None
    recent = AuditEvent.objects.filter(actor=user, action=AuditAction.VIEW, at__gte=since, person_id__isnull=False)
    if recent.count() <= limit:
        return None
    distinct = recent.values("person_id").distinct().count()
    if distinct <= limit:
        return None
    return SecurityAlert.objects.create(
        raised_at=now,
        kind=AlertKind.BULK_READ,
        user=user,
        summary=f"{distinct} person records viewed in {int(window.total_seconds() // 60)} minutes",
    )
