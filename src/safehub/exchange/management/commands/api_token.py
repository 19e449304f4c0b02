"""``safehub api_token create --agency CODE --user USERNAME --scopes contacts:write,outcomes:read``,
``safehub api_token revoke PREFIX`` and ``safehub api_token list``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.agencies.models import Agency
from safehub.core.actors import command_line
from safehub.exchange import services
from safehub.exchange.models import ApiToken


class Command(BaseCommand):
    help = "Create, revoke or list agency API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--agency", required=True, help="Agency code")
        create.add_argument("--user", required=True, help="The agency's service-account username")
        create.add_argument("--scopes", required=True, help="Comma-separated, e.g. contacts:write,outcomes:read")
        create.add_argument("--name", default="")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix", help="The token's prefix (shown by 'list')")
        sub.add_parser("list")

    def handle(self, *args, action: str, **options):
        now = timezone.now()
        if action == "create":
            agency = Agency.objects.filter(code=options["agency"]).first()
            user = get_user_model().objects.filter(username=options["user"]).first()
            if agency is None:
                raise CommandError(f"No agency with code {options['agency']}")
            if user is None:
                raise CommandError(f"No user called {options['user']}")
            scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
            try:
                token, key = services.api_token_create(
                    agency=agency, user=user, scopes=scopes, by=command_line(), now=now, name=options["name"]
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(
                f"Token {token.prefix} for {agency.code} ({', '.join(token.scopes)}). Keep it safe; it is shown once:"
            )
            self.stdout.write(key)
        elif action == "revoke":
            found = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"No token with prefix {options['prefix']}")
            services.api_token_revoke(token=found, by=command_line(), now=now)
            self.stdout.write(f"Revoked {found.prefix}")
        else:
            for t in ApiToken.objects.select_related("agency", "user").order_by("created_at"):
                state = "revoked" if t.revoked_at else "active"
                self.stdout.write(f"{t.prefix}\t{t.agency.code}\t{t.user.username}\t{','.join(t.scopes)}\t{state}")
