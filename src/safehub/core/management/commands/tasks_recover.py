"""``safehub tasks_recover``: re-queue tasks left RUNNING by a worker that died (run at worker start-up)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from safehub.core.tasks_recovery import tasks_recover_stale


class Command(BaseCommand):
    help = "Put tasks left RUNNING by a dead worker back in the queue."

    def add_arguments(self, parser):
        parser.add_argument("--stale-seconds", type=int, default=900)

    def handle(self, *args, stale_seconds: int, **options):
        count = tasks_recover_stale(now=timezone.now(), stale_after=timedelta(seconds=stale_seconds))
        self.stdout.write(f"{count} stale tasks re-queued")
