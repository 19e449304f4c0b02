"""The SSDA903 command's work, shared by ``safehub ssda903`` and ``safehub returns ssda903``.

Writes the DfE's 903 CSV tables for a collection year into a folder, lists the records' problems
in ``problems.csv``, audits the export, then (unless told not to) runs the DfE's 903 rules. Every
failure is a ``CommandError`` with one plain line (CONVENTIONS: no tracebacks for a user).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from safehub.core import audit
from safehub.core.actors import command_line
from safehub.core.calendar import financial_year
from safehub.core.models import AuditAction
from safehub.returns.ssda903 import check as presubmission
from safehub.returns.ssda903 import writer as ssda903
from safehub.returns.ssda903.validator import ValidatorUnavailable, known_defect, validate

# The demo city is Southampton (ONS E06000045); a council sets SAFEHUB_LA_ONS_CODE in settings.
DEMO_ONS_CODE = "E06000045"


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def la_ons_code(given: str | None = None) -> str:
    return str(given or getattr(settings, "SAFEHUB_LA_ONS_CODE", DEMO_ONS_CODE))


def run(
    *,
    year: str,
    output: str,
    stdout: Writer,
    stderr: Writer,
    la_code: str | None = None,
    check: bool = True,
    strict: bool = False,
) -> ssda903.Return903:
    """Write the year's 903 tables to ``output`` and check them; raise CommandError with one line."""
    try:
        financial_year(year)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise CommandError(f"--output must be a folder, and {out} is a file")
    code = la_ons_code(la_code)
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
        raise CommandError(f"ssda903 could not write to {out}: {one_line(exc)}") from exc
    except Exception as exc:  # noqa: BLE001 - the contract: a one-line reason, non-zero exit
        raise CommandError(f"ssda903 failed: {one_line(exc)}") from exc
    counts = ", ".join(f"{k} {v}" for k, v in ret.counts().items())
    stdout.write(f"SSDA903 {year} written to {out} ({len(paths)} tables: {counts})\n")
    stdout.write(f"{len(ret.problems)} problems in the records (listed in {out / 'problems.csv'})\n")
    if not check:
        return ret
    try:
        report = validate(out, year=year, la_code=code)
    except ValidatorUnavailable as exc:
        raise CommandError(one_line(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - e.g. a timeout: one line, non-zero exit
        raise CommandError(f"the SSDA903 validator failed: {one_line(exc)}") from exc
    for e in report.errors[:20]:
        stderr.write(f"error {e.code} ({e.table}, child {e.child}): {e.message}\n")
    if len(report.errors) > 20:
        stderr.write(f"... and {len(report.errors) - 20} more\n")
    episodes = ret.tables.get("episodes", [])
    defects = [why for e in report.errors if (why := known_defect(e, year=year, episodes=episodes))]
    because = f" ({len(defects)} of them a known validator defect: {defects[0]})" if defects else ""
    stdout.write(
        f"DfE 903 rules ({report.rules_run} run, {len(report.failed_rules)} could not run): "
        f"{len(report.errors)} errors{because}\n"
    )
    try:
        presubmission.save(year, ret, report, la_code=code, now=timezone.now())  # for the pre-submission page
    except OSError as exc:
        stderr.write(f"note: the check was not kept for the pre-submission page: {one_line(exc)}\n")
    if strict and report.errors:
        raise CommandError(f"the DfE 903 rules found {len(report.errors)} errors")
    return ret
