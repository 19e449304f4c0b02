"""``safehub exchange_webhooks_retry``: attempt webhook deliveries whose retry time has come."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from safehub.exchange import webhooks


class Command(BaseCommand):
    help = "Retry pending webhook deliveries that are due."

    def handle(self, *args, **options):
        self.stdout.write(f"{webhooks.webhook_deliveries_retry(now=timezone.now())} deliveries attempted")
