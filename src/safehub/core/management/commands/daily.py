"""``safehub daily``: the partnership's daily jobs, in one run (cron or a systemd timer, once a day).

    safehub daily                          every job: outbox and export clean-up, partnership chasing,
                                           data-return reminders, retention reviews
    safehub daily --only outbox_prune      just the named jobs (repeat --only for more)
    safehub daily --list                   the jobs' names

Each job is idempotent and runs in its own transaction; one that fails is reported and the others
still run. The command exits non-zero if any failed, so the scheduler's own alerting sees it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.core import daily


class Command(BaseCommand):
    help = "Run the daily jobs (outbox and export clean-up, chasing, reminders, retention reviews)."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", default=None, help="run just this job (repeatable)")
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")

    def handle(self, *args, only: list[str] | None, list: bool, **options):
        if list:
            self.stdout.write("\n".join(daily.names()))
            return
        try:
            results = daily.run(now=timezone.now(), only=only)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for r in results:
            self.stdout.write(f"{r.name}: {r.said}")
        failed = [r.name for r in results if not r.ok]
        if failed:
            raise CommandError(f"{len(failed)} daily job(s) failed: {', '.join(failed)}")
