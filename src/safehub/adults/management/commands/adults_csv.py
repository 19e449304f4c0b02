"""``safehub adults_csv import PATH`` / ``safehub adults_csv export --year 2024-25 --output FILE``.

The schema is in ``safehub/adults/io_columns.py`` and ``safehub/adults/README.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.adults.io import adults_csv_import
from safehub.adults.io_export import adults_csv_export


class Command(BaseCommand):
    help = "Import or export adult safeguarding concerns and enquiries as CSV."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a CSV file (idempotent; bad rows are reported and skipped)")
        imp.add_argument("path")
        imp.add_argument(
            "--user", required=True, help="Who imports: matches and creates people, recorded in the audit trail"
        )
        imp.add_argument("--json", action="store_true", help="Print the result as JSON")
        exp = sub.add_parser("export", help="Export a financial year's records")
        exp.add_argument("--year", required=True, help="Financial year, e.g. 2024-25")
        exp.add_argument("--output", default="-", help="File to write (default: standard output)")
        exp.add_argument("--user", required=True, help="Who exports: only the adults this user may open are written")

    def _user(self, username: str):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user

    def handle(self, *args, action: str, **options):
        now = timezone.now()
        by = self._user(options.get("user", ""))
        if action == "import":
            path = Path(options["path"])
            if not path.is_file():
                raise CommandError(f"no file {path}")
            try:
                result = adults_csv_import(text=path.read_text(encoding="utf-8-sig", errors="replace"), by=by, now=now)
            except PermissionDenied as exc:
                raise CommandError(f"{options['user']} may not import adult safeguarding records ({exc})") from exc
            if options["json"]:
                self.stdout.write(json.dumps({**result.__dict__}, indent=2, default=str))
            else:
                people = ", ".join(f"{k} {v}" for k, v in result.people.items())
                self.stdout.write(
                    f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
                    f"rejected {len(result.errors)} (kept), flagged values {len(result.flagged)}; people: {people}"
                )
                for error in result.errors[:200]:
                    self.stdout.write(
                        f"  row {error['row']} {error['column']}: {error['message']} ({error['value']!r})"
                    )
                for flag in result.flagged[:200]:
                    self.stdout.write(
                        f"  flagged row {flag['row']} {flag['column']}: {flag['message']} ({flag['value']!r})"
                    )
            if result.errors:
                sys.exit(1)
            return
        try:
            if options["output"] == "-":
                n = adults_csv_export(year=options["year"], out=self.stdout, by=by, now=now)
            else:
                with open(options["output"], "w", newline="", encoding="utf-8") as handle:
                    n = adults_csv_export(year=options["year"], out=handle, by=by, now=now)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{options['user']} may not export adult safeguarding records ({exc})") from exc
        self.stderr.write(f"{n} rows exported")
