"""``safehub partnership_chase``: chase overdue actions and let due assurance checks fall due (cron daily)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from safehub.partnership.actions.services import actions_chase_overdue
from safehub.partnership.reviews.services import assurance_checks_fall_due


class Command(BaseCommand):
    help = "Chase overdue partnership actions (one notification per action per day) and due assurance checks."

    def handle(self, *args, **options):
        now = timezone.now()
        due = assurance_checks_fall_due(now=now)
        chased = actions_chase_overdue(now=now)
        self.stdout.write(f"{len(chased)} overdue action(s) chased, {due} assurance check(s) now due")
