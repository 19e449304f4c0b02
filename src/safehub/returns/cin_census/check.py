"""The analyst's CIN census pre-submission check: the return Safehub would send, run through the DfE rules.

The same XML as ``safehub returns cin`` (``returns.cin_census.writer.build_cin_xml`` from the case
records) and the same rules: csc-validator-be-cin, in its own environment (``.venv-cin``, made by
``tools/cin_validator/setup.sh``), with the collection year's ruleset. The check runs as a
background task (django-tasks) after the request commits; its result keeps every issue with the
child's LAchildID and Safehub person id, so the page can list the errors per child and link to
the child's case for a user who may open it. The page is ``returns.cin_census.views`` (at
``/casework/census-check/``), the task ``returns.cin_census.tasks.run_census_check``.
"""

from __future__ import annotations

import json
import os
import subprocess  # noqa: S404 - a fixed command in the project's own validator environment
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from safehub.casework.models import CensusCheck, CensusCheckStatus
from safehub.core import audit
from safehub.core.calendar import financial_year
from safehub.core.models import AuditAction
from safehub.people import policy

# Queues a requested check (its id) for the task worker. ReturnsConfig.ready() hands in
# returns.cin_census.tasks.run_census_check.enqueue: the task runs this module, which does not import it back.
census_check_requester: Callable[[int], object] | None = None

PERMISSION = "insight.returns"
DEFAULT_LA_CODE = "852"  # the demo city's DfE code when SAFEHUB_LA_CODE is not set
VALIDATOR_TIMEOUT_SECONDS = 900


class ValidatorMissing(RuntimeError):
    """The DfE rules are not installed on this server."""


def ruleset_for(year: str) -> str:
    """The csc-validator-be-cin ruleset of a collection year: 2025-26 -> cin2025_26."""
    return "cin" + year.replace("-", "_")


def _validator_python() -> Path:
    root = Path(settings.BASE_DIR)
    return Path(os.environ.get("CIN_VENV", root / ".venv-cin")) / "bin" / "python"


def run_dfe_rules(xml: Path, *, ruleset: str) -> dict:
    """Run the DfE rules on a census file; return the validator's JSON (issues, return_level, crashed_rules)."""
    python = _validator_python()
    if not python.exists():
        raise ValidatorMissing("The DfE rules are not installed: run tools/cin_validator/setup.sh on the server")
    script = Path(settings.BASE_DIR) / "tools" / "cin_validator" / "validate.py"
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [str(python), str(script), str(xml), "--ruleset", ruleset],
        capture_output=True,
        text=True,
        timeout=VALIDATOR_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"The validator failed: {last[0][:200]}")
    return json.loads(result.stdout)


def _is_year(year: str) -> bool:
    try:
        financial_year(year)
    except (ValueError, TypeError):
        return False
    return True


@transaction.atomic
def census_check_request(*, year: str, by, now: datetime) -> CensusCheck:
    """Queue a pre-submission check of the CIN census for a collection year (runs after commit)."""
    policy.require(by, PERMISSION)
    if not _is_year(year):
        raise ValidationError({"year": "Give a collection year such as 2025-26"})
    check = CensusCheck(
        year=year,
        requested_by=by if getattr(by, "is_authenticated", False) else None,
        requested_at=now,
        ruleset=ruleset_for(year),
        message="Waiting to start",
    )
    check.full_clean()
    check.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=check, at=now, details={"year": year})
    if census_check_requester is None:
        raise ImproperlyConfigured("No task queue for the census checks: ReturnsConfig.ready() hands it in")
    requester = census_check_requester
    transaction.on_commit(lambda: requester(check.pk))
    return check


def _write_return(year: str, out: Path) -> list[str]:
    """Write the census XML as ``safehub returns cin`` does; return the notes on records left out."""
    from safehub.casework.census import census_children
    from safehub.insight.snapshot import build_snapshot
    from safehub.returns.cin_census import selectors
    from safehub.returns.cin_census.writer import build_cin_xml

    snapshot = build_snapshot(raw_sources=True)
    start, end = financial_year(year)
    referrals = snapshot["referrals"]
    # Every child-in-need episode open in the year, referred or imported (issue 18).
    person_ids = census_children(
        start=start, end=end, referred=(p for p in referrals.column("person_id").to_pylist() if p is not None)
    )
    children = selectors.cin_children(person_ids=person_ids, reference_date=end)
    episodes = selectors.cin_episodes(referral_ids=referrals.column("referral_id").to_pylist())
    code = getattr(settings, "SAFEHUB_LA_CODE", DEFAULT_LA_CODE)
    return build_cin_xml(snapshot, children, year=year, la_code=code, out=out, episodes=episodes)


def _person_id(child_id: str | None) -> int | None:
    """The LAchildID the return uses is the person id (``returns cin --child-id id``, the default)."""
    return int(child_id) if child_id and child_id.isdigit() else None


def census_check_run(*, check_id: int, now: datetime) -> CensusCheck:
    """Write the return, run the DfE rules and keep what they found (called by the background task).

    Status rows are saved outside any transaction, so the page polling them sees the progress.
    """
    check = CensusCheck.objects.get(pk=check_id)
    if check.is_finished:
        return check
    CensusCheck.objects.filter(pk=check.pk).update(status=CensusCheckStatus.RUNNING, started_at=now, message="Running")
    try:
        with tempfile.TemporaryDirectory(prefix="cin-check-") as folder:
            xml = Path(folder) / f"cin-{check.year}.xml"
            left_out = _write_return(check.year, xml)
            children = xml.read_text(encoding="utf-8").count("<Child>")
            found = run_dfe_rules(xml, ruleset=check.ruleset)
    except Exception as exc:  # noqa: BLE001 - any failure is kept on the check for the analyst to read
        message = str(exc) if isinstance(exc, ValidatorMissing) else f"Failed: {exc}"
        CensusCheck.objects.filter(pk=check.pk).update(
            status=CensusCheckStatus.FAILED, message=message[:300], finished_at=now
        )
        check.refresh_from_db()
        return check
    issues = [
        {
            "child_id": i.get("child_id"),
            "person_id": _person_id(i.get("child_id")),
            "rule_code": i.get("rule_code"),
            "rule_type": i.get("rule_type"),
            "message": i.get("message"),
            "column": i.get("column"),
        }
        for i in found.get("issues", [])
    ]
    issues += [
        {"child_id": None, "person_id": None, "rule_code": r.get("rule_code"), "rule_type": r.get("rule_type"),
         "message": r.get("message"), "column": ""}
        for r in found.get("return_level", [])
    ]  # fmt: skip
    errors = sum(1 for i in issues if i["rule_type"] == "ERROR")
    crashed = len(found.get("crashed_rules", []))
    message = f"{errors} errors, {len(issues) - errors} queries" + (
        f"; {crashed} rules could not run" if crashed else ""
    )
    CensusCheck.objects.filter(pk=check.pk).update(
        status=CensusCheckStatus.DONE,
        finished_at=now,
        message=message,
        children=children,
        left_out=len(left_out),
        error_count=errors,
        query_count=len(issues) - errors,
        issues=issues,
    )
    check.refresh_from_db()
    return check


ISSUES_PER_PAGE = 50


def census_check_page(*, user, now: datetime, check_id: int | None = None, show: str = "errors", page: int = 1) -> dict:
    """The pre-submission page: recent checks, and one check's issues per child, paged.

    A child is named, and linked to their case, only when the user may open their record
    (``policy.persons_visible_to``); the named children are audited as a list read. The others
    show by the LAchildID the return gives them, as the DfE's own report does.
    """
    from django.core.paginator import Paginator
    from django.urls import reverse

    from safehub.people.models import Person

    policy.require(user, PERMISSION)
    checks = list(CensusCheck.objects.select_related("requested_by")[:10])
    if check_id is not None:
        current = CensusCheck.objects.filter(pk=check_id).first()
    else:
        current = next((c for c in checks if c.status == CensusCheckStatus.DONE), checks[0] if checks else None)
    wanted = "ERROR" if show != "queries" else "QUERY"
    issues = [i for i in (current.issues if current else []) if (i.get("rule_type") == "ERROR") == (wanted == "ERROR")]
    issues.sort(key=lambda i: (i.get("child_id") is None, str(i.get("child_id") or ""), str(i.get("rule_code"))))
    paged = Paginator(issues, ISSUES_PER_PAGE).get_page(page)
    ids = {i["person_id"] for i in paged.object_list if i.get("person_id")}
    visible = {
        p.pk: p
        for p in policy.persons_visible_to(user, Person.objects.filter(pk__in=ids), now=now).only(
            "pk", "given_name", "family_name", "date_of_birth", "expected_date_of_birth"
        )
    }
    case_pages = policy.can(user, "casework.overview")  # the case page needs it; else the child's record
    rows = []
    for issue in paged.object_list:
        person = visible.get(issue.get("person_id"))
        rows.append(
            {
                **issue,
                "name": person.display_name if person is not None else "",
                "link": None
                if person is None
                else reverse("casework:case" if case_pages else "people:detail", args=[person.pk]),
            }
        )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=list(visible), at=now, view="casework.census_check")
    children_with_errors = len({i.get("child_id") for i in issues if i.get("child_id")})
    return {
        "checks": checks,
        "check": current,
        "rows": rows,
        "page": paged,
        "show": "queries" if wanted == "QUERY" else "errors",
        "children_with_issues": children_with_errors,
        "running": any(not c.is_finished for c in checks),
    }
