"""``safehub crawl``: follow every link as each demo user; list 5xx pages, links to 403s and break-glass people."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Crawl the site as every demo user (or those named) and report server errors and bad links."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="Users to crawl as (default: every demo user)")
        parser.add_argument("--max-pages", type=int, default=300, help="Pages per user (default 300)")
        parser.add_argument("--json", action="store_true", help="Print the findings as JSON")

    def handle(self, *args, usernames, max_pages: int, json: bool = False, **options):
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        from safehub.demo.agencies import demo_usernames
        from safehub.testing.crawl import crawl

        if max_pages < 1:
            raise CommandError("--max-pages must be at least 1")
        names = usernames or demo_usernames()
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        missing = [n for n in names if n not in users]
        if missing:
            raise CommandError(f"No such user: {', '.join(missing)} (run `safehub seed_demo` first)")
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        reports = []
        for name in names:
            client = Client()
            client.force_login(users[name])
            report = crawl(client, username=name, max_pages=max_pages)
            reports.append(report)
            self.stdout.write(f"{name:22s} {report.pages:4d} pages, {len(report.findings)} findings")
            for finding in report.findings[:20]:
                self.stdout.write(f"    {finding['kind']}: {finding['url']} (from {finding['from'] or 'start'})")
        if json:
            import json as json_module

            self.stdout.write(json_module.dumps([{"user": r.username, "findings": r.findings} for r in reports]))
        if any(r.findings for r in reports):
            raise CommandError(f"{sum(len(r.findings) for r in reports)} findings")
