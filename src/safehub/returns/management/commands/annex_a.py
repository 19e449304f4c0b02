"""``safehub annex-a import PATH`` and ``safehub annex-a export --year 2024-25 --output FILE.xlsx``."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.core.actors import command_line
from safehub.exchange.models import ImportStatus
from safehub.exchange.services import cli_progress
from safehub.returns.annex_a import services


class Command(BaseCommand):
    help = "Import or export an Ofsted Annex A workbook."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a workbook (.xlsx) or a folder of 'List N.csv' files")
        imp.add_argument("path")
        imp.add_argument("--errors", help="Where to write the row-level error report (default: beside the input)")
        imp.add_argument("--user", help="Import as this Safehub user (default: the command-line operator)")
        imp.add_argument("--validate-only", action="store_true", help="Check every row; write nothing")
        exp = sub.add_parser("export", help="Write the Annex A workbook for a year")
        exp.add_argument("--year", required=True, help="Financial year, e.g. 2024-25")
        exp.add_argument("--output", required=True)
        exp.add_argument("--user", help="Export as this Safehub user (default: the command-line operator)")

    def handle(self, *args, action: str, **options):
        by = self._user(options.get("user"))
        now = timezone.now()
        try:
            if action == "import":
                self._import(Path(options["path"]), options, by, now)
            else:
                out = services.annex_a_export(year=options["year"], output=Path(options["output"]), by=by, now=now)
                self.stdout.write(f"Wrote {out}")
        except PermissionDenied as exc:
            raise CommandError(f"Not allowed: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _user(self, username: str | None):
        if not username:
            return command_line()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username}")
        return user

    def _import(self, path: Path, options, by, now) -> None:
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        job = services.annex_a_job_create(path=path, file_name=path.name, by=by, now=now)
        errors = Path(options["errors"]) if options.get("errors") else None
        result = services.annex_a_import(
            job=job,
            by=by,
            now=now,
            errors_path=errors,
            progress=cli_progress("Importing"),
            validate_only=options["validate_only"],
        )
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        job.refresh_from_db()
        if job.status == ImportStatus.FAILED or result is None:
            raise CommandError(job.failure or "The import failed")
        for name, counts in result.counts.items():
            extra = f", skipped {counts['skipped']}" if counts["skipped"] else ""
            self.stdout.write(
                f"{name}: imported {counts['imported']}, updated {counts['updated']}, "
                f"unchanged {counts['unchanged']}, rejected {counts['rejected']}{extra}"
            )
        self.stdout.write(
            f"Total: imported {result.total('imported')}, updated {result.total('updated')}, "
            f"unchanged {result.total('unchanged')}, rejected {result.total('rejected')}"
        )
        if result.errors or errors:
            report = errors or services.default_error_path(path)
            self.stdout.write(f"{len(result.errors)} problems listed in {report}")
        if options["validate_only"]:
            self.stdout.write("Validation only: nothing was written")
