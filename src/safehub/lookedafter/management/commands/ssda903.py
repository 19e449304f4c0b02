"""``safehub ssda903 --year 2025-26 --output DIR``: the SSDA903 return's CSV tables, checked by the DfE rules."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from safehub.core import audit
from safehub.core.actors import command_line
from safehub.core.calendar import financial_year
from safehub.core.models import AuditAction
from safehub.lookedafter.returns import ssda903
from safehub.lookedafter.returns.validator import ValidatorUnavailable, validate

# The demo city is Southampton (ONS E06000045); a council sets SAFEHUB_LA_ONS_CODE in settings.
DEMO_ONS_CODE = "E06000045"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


class Command(BaseCommand):
    help = "Write the SSDA903 (children looked after) CSV tables for a year and run the DfE's 903 rules on them."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Collection year such as 2025-26")
        parser.add_argument("--output", required=True, help="A folder for the CSV tables (created if need be)")
        parser.add_argument("--la-ons-code", default=None, help="The council's ONS code (default: settings)")
        parser.add_argument("--no-validate", action="store_true", help="Write the tables without running the DfE rules")
        parser.add_argument("--strict", action="store_true", help="Exit non-zero when the DfE rules find errors")

    def handle(self, *args, year: str, output: str, la_ons_code: str | None, **options):
        try:
            financial_year(year)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(output)
        if out.exists() and not out.is_dir():
            raise CommandError(f"--output must be a folder, and {out} is a file")
        code = str(la_ons_code or getattr(settings, "SAFEHUB_LA_ONS_CODE", DEMO_ONS_CODE))
        try:
            ret = ssda903.build(year)
            paths = ssda903.write(ret, out)
            ssda903.problems_csv(ret, out / "problems.csv")
            with transaction.atomic():
                audit.record(
                    actor=command_line(),
                    action=AuditAction.EXPORT,
                    object_type="return.ssda903",
                    object_id=year,
                    at=timezone.now(),
                    details={"tables": ret.counts(), "problems": len(ret.problems)},
                )
        except OSError as exc:
            raise CommandError(f"ssda903 could not write to {out}: {_one_line(exc)}") from exc
        except Exception as exc:  # noqa: BLE001 - the contract: a one-line reason, non-zero exit
            raise CommandError(f"ssda903 failed: {_one_line(exc)}") from exc
        counts = ", ".join(f"{k} {v}" for k, v in ret.counts().items())
        self.stdout.write(f"SSDA903 {year} written to {out} ({len(paths)} tables: {counts})")
        self.stdout.write(f"{len(ret.problems)} problems in the records (listed in {out / 'problems.csv'})")
        if options.get("no_validate"):
            return
        try:
            report = validate(out, year=year, la_code=code)
        except ValidatorUnavailable as exc:
            raise CommandError(_one_line(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - e.g. a timeout: one line, non-zero exit
            raise CommandError(f"the SSDA903 validator failed: {_one_line(exc)}") from exc
        for e in report.errors[:20]:
            self.stderr.write(f"error {e.code} ({e.table}, child {e.child}): {e.message}")
        if len(report.errors) > 20:
            self.stderr.write(f"... and {len(report.errors) - 20} more")
        self.stdout.write(
            f"DfE 903 rules ({report.rules_run} run, {len(report.failed_rules)} could not run): "
            f"{len(report.errors)} errors"
        )
        if options.get("strict") and report.errors:
            raise CommandError(f"the DfE 903 rules found {len(report.errors)} errors")
