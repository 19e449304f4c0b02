"""``safehub enrolment_link USERNAME``: issue a one-time link for USERNAME to set up an authenticator app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from safehub.core.identity import enrolment


class Command(BaseCommand):
    help = "Print a one-time, expiring link with which USERNAME sets up two-factor sign-in (audited)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help=f"how long the link works (default {settings.SAFEHUB_ENROLMENT_LINK_HOURS})",
        )
        parser.add_argument(
            "--site-url", default=None, help=f"where Safehub is reached (default {settings.SAFEHUB_SITE_URL})"
        )

    def handle(self, *args, username, hours, site_url, **options):
        user = enrolment.user_for_enrolment(username)
        if user is None:
            raise CommandError(f"there is no Safehub account with the username {username!r}")
        try:
            link, token = enrolment.enrolment_link_issue(
                user=user, by=enrolment.ConsoleOperator.current(), now=timezone.now(), hours=hours
            )
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        base = (site_url or settings.SAFEHUB_SITE_URL).rstrip("/")
        self.stdout.write(base + reverse("core:enrol", kwargs={"token": token}))
        self.stderr.write(
            f"for {user.get_username()}, works once, expires {timezone.localtime(link.expires_at):%H:%M on %d/%m/%Y}"
        )
