"""``safehub outbox_prune``: remove events delivered longer ago than the retention period (run daily).

    safehub outbox_prune              keep SAFEHUB_OUTBOX_RETENTION_DAYS (30) days of delivered events
    safehub outbox_prune --days 90    keep 90 days

Waiting, failed and dead-lettered deliveries, and their events, are kept until they are delivered.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.core import outbox


class Command(BaseCommand):
    help = "Remove outbox events delivered longer ago than the retention period (default 30 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="days to keep delivered events")

    def handle(self, *args, days: int | None, **options):
        keep = outbox.retention_days() if days is None else days
        try:
            removed = outbox.outbox_prune(now=timezone.now(), days=keep)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{removed} delivered events older than {keep} days removed")
