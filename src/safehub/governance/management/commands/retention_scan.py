"""``safehub retention_scan``: open reviews for records past their retention period (run daily)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from safehub.governance.services import retention_scan


class Command(BaseCommand):
    help = "Open a retention review for every person whose records have passed their retention period."

    def handle(self, *args, **options):
        made = retention_scan(now=timezone.now())
        self.stdout.write(f"{len(made)} retention reviews opened")
