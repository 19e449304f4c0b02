"""CP-IS style flags: what an unscheduled care setting sees, the social worker's list, the national export.

A flag lookup names one child by NHS number and says whether they are on a child protection plan
(or a pre-birth plan) or looked after, with the allocated worker's contact details: the minimum an
emergency clinician needs. It is a read of the person, audited as one, and open only to health's
unscheduled care settings (``may_use_cpis``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q

from safehub.agencies.models import AgencyKind, Team
from safehub.agencies.selectors import membership_for_user
from safehub.casework.models import CaseEpisode, ChildProtectionPlan, LookedAfterEpisode
from safehub.core import audit, csv_safety
from safehub.core.calendar import uk_date
from safehub.core.exports import ExportFile
from safehub.core.models import AuditAction
from safehub.pathways import rules
from safehub.pathways.models import CpisAttendance, CpisFlagKind
from safehub.people import policy
from safehub.people.models import Person
from safehub.people.validators import normalise_nhs_number

PAGE_SIZE = 50
# Unscheduled care is given by hospital and community trusts, ambulance services and GP out of hours;
# an integrated care board commissions it and sees no patient.
UNSCHEDULED_CARE_KINDS = frozenset({AgencyKind.HEALTH_TRUST, AgencyKind.AMBULANCE, AgencyKind.GP})
# The CP-IS fields a local authority sends to the NHS national system, in order.
CPIS_EXPORT = "pathways.cpis"
CPIS_EXPORT_FIELDS = (
    "NHSNumber",
    "DateOfBirth",
    "ExpectedDateOfBirth",
    "PlanType",
    "PlanStartDate",
    "PlanEndDate",
    "LocalAuthorityCode",
    "LocalAuthorityONSCode",
)
PLAN_TYPE = {CpisFlagKind.CPP: "CPP", CpisFlagKind.UNBORN_CPP: "UPP", CpisFlagKind.LAC: "LAC"}


def may_use_cpis(user) -> bool:
    """Whether the user works in a health setting that gives unscheduled care (and may record there)."""
    membership = membership_for_user(user)
    return bool(
        membership is not None
        and policy.can(user, "pathways.record")
        and membership.agency.kind in UNSCHEDULED_CARE_KINDS
    )


def require_cpis(user) -> None:
    if not may_use_cpis(user):
        raise PermissionDenied("CP-IS flags are for health's unscheduled care settings")


@dataclass(frozen=True)
class CpisStatus:
    flag: str | None
    since: date | None
    worker: Any
    team: Team | None


def _unborn(person: Person, today: date) -> bool:
    return person.date_of_birth is None and person.expected_date_of_birth is not None


def cpis_status(person: Person, *, today: date) -> CpisStatus:
    """The child's flag today and who holds the case (the open episode's worker, else the plan's)."""
    live = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    plan = ChildProtectionPlan.objects.filter(live, person=person).select_related("worker").first()
    cla = None if plan else LookedAfterEpisode.objects.filter(live, person=person).first()
    flag = rules.cpis_flag(on_cp_plan=plan is not None, unborn=_unborn(person, today), looked_after=cla is not None)
    if flag is None:
        return CpisStatus(None, None, None, None)
    episode = (
        CaseEpisode.objects.filter(person=person, closure_date__isnull=True).select_related("worker", "team").first()
    )
    worker = (episode.worker if episode else None) or (plan.worker if plan else None)
    team = episode.team if episode else None
    since = plan.start_date if plan else cla.start_date if cla else None
    return CpisStatus(flag, since, worker, team)


def _contact(worker, team) -> dict:
    if worker is None:
        return {"name": "", "job_title": "", "team": team.name if team else "", "email": "", "agency": ""}
    membership = membership_for_user(worker)
    return {
        "name": worker.get_full_name() or worker.username,
        "job_title": membership.job_title if membership else "",
        "team": team.name if team else (membership.team.name if membership and membership.team else ""),
        "agency": membership.agency.name if membership else "",
        "email": worker.email,
    }


def cpis_lookup(*, user, nhs_number: str, date_of_birth: date | None, now: datetime) -> dict:
    """Look up one child's flag by NHS number (and date of birth, when given, to confirm).

    Every answer naming a child is a read of that child, audited. A sealed record answers only that
    a restricted record exists and whom to call, never its flag or worker.
    """
    require_cpis(user)
    nhs = normalise_nhs_number(nhs_number)
    if len(nhs) != 10:
        return {"state": "invalid"}
    qs = Person.objects.filter(nhs_number=nhs, merged_into__isnull=True)
    if date_of_birth:
        qs = qs.filter(Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth))
    person = qs.first()
    with transaction.atomic():
        if person is None:
            audit.record(
                actor=user,
                action=AuditAction.SEARCH,
                at=now,
                object_type="people.Person",
                details={"results": 0},
                reason="CP-IS flag lookup",
            )
            return {"state": "unknown"}
        audit.record(actor=user, action=AuditAction.VIEW, subject=person, at=now, reason="CP-IS flag lookup")
    if person.sealed and not policy.person_access(user, person, now=now).allowed:
        return {"state": "restricted"}
    status = cpis_status(person, today=uk_date(now))
    if status.flag is None:
        return {"state": "no_flag", "name": person.display_name}
    return {
        "state": "flagged",
        "person_id": person.pk,
        "nhs_number": nhs,
        "name": person.display_name,
        "date_of_birth": person.date_of_birth,
        "expected_date_of_birth": person.expected_date_of_birth,
        "flag": status.flag,
        "flag_label": CpisFlagKind(status.flag).label,
        "since": status.since,
        "worker": _contact(status.worker, status.team),
        "may_open": policy.person_access(user, person, now=now).allowed,
        "recent": [
            {"attended_at": a.attended_at, "setting": a.get_setting_kind_display(), "agency": a.agency.name}
            for a in CpisAttendance.objects.filter(person=person).select_related("agency")[:5]
        ],
    }


def cpis_attendances_for_worker(*, user, now: datetime, page_number=None, scope: str = "mine") -> dict:
    """Attendances of the worker's flagged children (or their team's), unseen first; paged and audited."""
    policy.require(user, "casework.record")
    membership = membership_for_user(user)
    qs = CpisAttendance.objects.filter(policy.person_visible_q(user, now=now, unlinked=False))
    qs = qs.filter(notified_at__isnull=False)  # delivered by the outbox worker (pathways.subscribers)
    if scope == "team" and membership is not None and membership.team_id:
        qs = qs.filter(Q(notified_team_id=membership.team_id) | Q(notified_worker=user))
    else:
        qs = qs.filter(notified_worker=user)
    qs = qs.select_related("person", "agency").order_by(F("seen_at").asc(nulls_first=True), "-attended_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    items = list(page.object_list)
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[a.person_id for a in items], at=now, view="CP-IS attendances")
    rows = [
        {
            "id": a.pk,
            "person_id": a.person_id,
            "child": a.person.display_name,
            "flag": a.get_flag_kind_display(),
            "attended_at": a.attended_at,
            "setting": a.get_setting_kind_display(),
            "agency": a.agency.name,
            "reason": a.reason,
            "notified_at": a.notified_at,
            "seen_at": a.seen_at,
        }
        for a in items
    ]
    return {
        "rows": rows,
        "page": page,
        "total": page.paginator.count,
        "unseen": qs.filter(seen_at__isnull=True).count(),
    }


def cpis_attendances_for_setting(*, user, now: datetime, page_number=None) -> dict:
    """The attendances the user's own setting recorded (its legitimate relationship with each), paged."""
    require_cpis(user)
    qs = (
        CpisAttendance.objects.filter(agency_id=policy.agency_id_of(user) or 0)
        .filter(policy.sealed_hidden_q(user))
        .select_related("person", "notified_worker")
        .order_by("-attended_at", "-pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    items = list(page.object_list)
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[a.person_id for a in items], at=now, view="CP-IS setting attendances")
    rows = [
        {
            "child": a.person.display_name,
            "attended_at": a.attended_at,
            "setting": a.get_setting_kind_display(),
            "flag": a.get_flag_kind_display(),
            "notified": (a.notified_worker.get_full_name() or a.notified_worker.username) if a.notified_worker else "",
            "notified_at": a.notified_at,
            "addressed": bool(a.notified_worker_id or a.notified_team_id),  # delivered after commit
            "seen": a.seen_at is not None,
        }
        for a in items
    ]
    return {"rows": rows, "page": page, "total": page.paginator.count}


def cpis_export_file(*, user, parameters: dict | None = None, now: datetime) -> ExportFile:
    """The CP-IS file for the NHS national system: every flagged child with an NHS number.

    A prepared export (``core.exports``, registered as ``CPIS_EXPORT``): the task worker writes it
    as the front-door manager who asked, and audits every child in it as exported in the same
    transaction. A flagged child without an NHS number is left out (CP-IS matches on it alone) and
    counted in the file's notes.
    """
    policy.require(user, "frontdoor.sign_off")
    today = uk_date(now)
    live = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    # The dates only, not whole records: a region holds thousands of live plans and periods of care.
    plans = {
        person_id: (start, end)
        for person_id, start, end in ChildProtectionPlan.objects.filter(live)
        .order_by("start_date")
        .values_list("person_id", "start_date", "end_date")
    }
    cla = {
        person_id: (start, end)
        for person_id, start, end in LookedAfterEpisode.objects.filter(live)
        .order_by("start_date")
        .values_list("person_id", "start_date", "end_date")
        if person_id not in plans
    }
    ids = sorted(set(plans) | set(cla))
    people = policy.persons_visible_to(user, Person.objects.filter(pk__any_of=ids, merged_into__isnull=True), now=now)
    out = io.StringIO()
    writer = csv_safety.writer(out)
    writer.writerow(CPIS_EXPORT_FIELDS)
    written, missing, shown = 0, 0, []
    for person in people.order_by("pk").only("pk", "nhs_number", "date_of_birth", "expected_date_of_birth", "sealed"):
        if not person.nhs_number:
            missing += 1
            continue
        plan = plans.get(person.pk)
        start, end = plan or cla[person.pk]
        flag = rules.cpis_flag(on_cp_plan=plan is not None, unborn=_unborn(person, today), looked_after=True) or "LAC"
        writer.writerow(
            [
                person.nhs_number,
                person.date_of_birth.isoformat() if person.date_of_birth else "",
                person.expected_date_of_birth.isoformat() if person.expected_date_of_birth else "",
                PLAN_TYPE[CpisFlagKind(flag)],
                start.isoformat(),
                end.isoformat() if end else "",
                settings.SAFEHUB_LA_CODE,
                settings.SAFEHUB_LA_ONS_CODE,
            ]
        )
        written += 1
        shown.append(person.pk)
    notes = [f"{missing} flagged child{'ren' if missing != 1 else ''} left out: no NHS number"] if missing else []
    return ExportFile(
        file_name=f"cp-is-{today:%Y%m%d}.csv", content=out.getvalue(), rows=written, person_ids=shown, notes=notes
    )
