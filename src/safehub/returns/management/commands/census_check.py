"""``safehub census_check --year 2025-26``: run the CIN census pre-submission check now.

The same check the analyst's page queues as a background task (``casework.census_check``); the
result is kept, so the page shows it. Prints one line: errors, queries, children, records left out.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.casework.models import CensusCheck, CensusCheckStatus
from safehub.core import audit
from safehub.core.actors import command_line
from safehub.core.models import AuditAction
from safehub.returns.cin_census.check import _is_year, census_check_run, ruleset_for


class Command(BaseCommand):
    help = "Run the DfE CIN census rules on the return Safehub would send for a year; keep the result for the page."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Collection year such as 2025-26")
        parser.add_argument("--strict", action="store_true", help="Exit non-zero when the rules find errors")

    def handle(self, *args, year: str, strict: bool, **options):
        if not _is_year(year):
            raise CommandError(f"--year must be a collection year such as 2025-26, not {year!r}")
        now = timezone.now()
        check = CensusCheck.objects.create(year=year, requested_at=now, ruleset=ruleset_for(year), message="Running")
        audit.record(actor=command_line(), action=AuditAction.CREATE, subject=check, at=now, details={"year": year})
        done = census_check_run(check_id=check.pk, now=now)
        if done.status != CensusCheckStatus.DONE:
            raise CommandError(f"census check failed: {done.message}")
        summary = (
            f"CIN census {year} ({done.ruleset}): {done.error_count} errors, {done.query_count} queries, "
            f"{done.children} children, {done.left_out} records left out"
        )
        if strict and done.error_count:
            raise CommandError(summary)
        self.stdout.write(summary)
