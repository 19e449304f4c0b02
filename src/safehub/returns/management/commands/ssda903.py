"""``safehub ssda903 --year 2025-26 --output DIR``: the SSDA903 return's CSV tables, checked by the DfE rules.

The same as ``safehub returns ssda903``; both call ``returns.ssda903.command.run``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from safehub.returns.ssda903.command import run


class Command(BaseCommand):
    help = "Write the SSDA903 (children looked after) CSV tables for a year and run the DfE's 903 rules on them."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Collection year such as 2025-26")
        parser.add_argument("--output", required=True, help="A folder for the CSV tables (created if need be)")
        parser.add_argument("--la-ons-code", default=None, help="The council's ONS code (default: settings)")
        parser.add_argument("--no-validate", action="store_true", help="Write the tables without running the DfE rules")
        parser.add_argument("--strict", action="store_true", help="Exit non-zero when the DfE rules find errors")

    def handle(self, *args, year: str, output: str, la_ons_code: str | None, **options):
        run(
            year=year,
            output=output,
            la_code=la_ons_code,
            check=not options.get("no_validate"),
            strict=bool(options.get("strict")),
            stdout=self.stdout,
            stderr=self.stderr,
        )
