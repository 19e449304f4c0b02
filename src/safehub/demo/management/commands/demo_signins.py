from django.core.management.base import BaseCommand

from safehub.agencies.models import Membership
from safehub.demo.context import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo sign-ins (demo mode only)."

    def handle(self, *args, **options):
        rows = Membership.objects.filter(user__username__startswith="demo.").select_related("user", "agency")
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}) at http://127.0.0.1:8000/sign-in/\n")
        for m in rows.order_by("role"):
            self.stdout.write(f"  {m.user.username:22s} {m.get_role_display():32s} {m.agency.name}")
        self.stdout.write("")
