"""``safehub exchange_remind``: reminders for data returns due soon or overdue (idempotent)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from safehub.core.actors import command_line
from safehub.exchange import services


class Command(BaseCommand):
    help = "Create reminders for partner data returns that are due soon or missing."

    def handle(self, *args, **options):
        made = services.submission_reminders_create(now=timezone.now(), by=command_line())
        for r in made:
            self.stdout.write(
                f"{r.get_kind_display()}: {r.agency.code} {r.return_code} quarter from {r.period_start:%d/%m/%Y} (due {r.due_date:%d/%m/%Y})"
            )
        self.stdout.write(f"{len(made)} reminders created")
