"""Reads of the child's case: caseloads (worker, team, unallocated) and the case page.

Every list filters people through ``policy.persons_visible_to`` and writes one audit row per child
shown (``audit.record_list``); a row links to a case only when the user may open the child.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery

from safehub.casework import rules
from safehub.casework.models import (
    VISIT_KINDS,
    Assessment,
    CaseEpisode,
    CaseNote,
    CaseStage,
    ChildProtectionPlan,
    CINPlan,
    CoreGroupMeeting,
    CPReview,
    Section47,
)
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.timescales import timescale
from safehub.people import policy
from safehub.people.models import Person

SCOPES = ("mine", "team", "unallocated")


def _cp_visit_days() -> int:
    return timescale("cp_visit_working_days", rules.CP_VISIT_WORKING_DAYS)


def _annotated(qs):
    seen_visits = CaseNote.objects.filter(episode=OuterRef("pk"), kind__in=list(VISIT_KINDS), child_seen=True)
    return qs.annotate(
        last_visit_at=Subquery(seen_visits.order_by().values("episode").annotate(m=Max("occurred_at")).values("m")[:1]),
        cin_start=Subquery(
            CINPlan.objects.filter(episode=OuterRef("pk"), end_date__isnull=True).values("start_date")[:1]
        ),
        cin_review=Subquery(
            CINPlan.objects.filter(episode=OuterRef("pk"), end_date__isnull=True).values("next_review_date")[:1]
        ),
        cp_start=Subquery(
            ChildProtectionPlan.objects.filter(person=OuterRef("person"), end_date__isnull=True).values("start_date")[
                :1
            ]
        ),
        cp_review=Subquery(
            CPReview.objects.filter(
                plan__person=OuterRef("person"), plan__end_date__isnull=True, held_date__isnull=True
            )
            .order_by()
            .values("plan__person")
            .annotate(m=Min("due_date"))
            .values("m")[:1]
        ),
        last_core_group=Subquery(
            CoreGroupMeeting.objects.filter(plan__person=OuterRef("person"), plan__end_date__isnull=True)
            .order_by()
            .values("plan__person")
            .annotate(m=Max("held_date"))
            .values("m")[:1]
        ),
        assessment_due=Subquery(
            Assessment.objects.filter(person=OuterRef("person"), authorised_date__isnull=True)
            .order_by()
            .values("person")
            .annotate(m=Min("due_date"))
            .values("m")[:1]
        ),
    )


@dataclass(frozen=True)
class Due:
    what: str
    due: date
    overdue: bool


def _dues(row, today: date) -> list[Due]:
    """What falls due next on a case, from its dated records and the rules."""
    dues = []
    last_visit = uk_date(row.last_visit_at) if row.last_visit_at else None
    since = row.cp_start if row.stage == CaseStage.CHILD_PROTECTION else row.cin_start
    if since is not None:
        visit = rules.visit_due(
            stage=row.stage,
            since=since,
            last_visit=last_visit,
            cin_interval_working_days=row.visit_interval_working_days,
            cp_interval_working_days=_cp_visit_days(),
        )
        if visit is not None:
            dues.append(Due("Visit", visit, visit < today))
    if row.assessment_due:
        dues.append(Due("Assessment", row.assessment_due, row.assessment_due < today))
    if row.stage == CaseStage.CHILD_PROTECTION and row.cp_start:
        core = (
            rules.next_core_group_due(row.last_core_group)
            if row.last_core_group
            else rules.first_core_group_due(row.cp_start)
        )
        dues.append(Due("Core group", core, core < today))
    if row.stage == CaseStage.CHILD_PROTECTION and row.cp_review:
        dues.append(Due("Child protection review", row.cp_review, row.cp_review < today))
    if row.cin_review:
        dues.append(Due("Child-in-need plan review", row.cin_review, row.cin_review < today))
    return sorted(dues, key=lambda d: d.due)


CASELOAD_FILTERS = {
    "all": "All open cases",
    "overdue": "Something overdue",
    "due_soon": "Something due in the next 7 days",
    "unseen": "No visit with the child seen",
}


def caseload_cases(*, user, now: datetime, scope: str = "mine", worker_id: int | None = None) -> dict:
    """Every open case of a worker (``mine``), the user's team (``team``) or with no worker
    (``unallocated``) that the user may open, with what is due on each, and the counts over all of
    them (by stage, overdue, due within 7 days). Not audited: the caller audits the rows it shows
    (``caseload_audit``).

    What is due comes from the working-day rules (``rules``: bank holidays), so it is worked out
    per case here rather than in SQL; a scope is one worker's, one team's or the unallocated cases,
    hundreds at most, so every case is weighed and the counts are true, not those of a first page.
    """
    policy.require(user, "casework.overview")
    today = uk_date(now)
    membership = policy.membership_for_user(user)
    qs = CaseEpisode.objects.filter(closure_date__isnull=True)
    if scope == "team":
        team_id = membership.team_id if membership else None
        qs = qs.filter(team_id=team_id) if team_id else qs.none()
    elif scope == "unallocated":
        qs = qs.filter(worker__isnull=True)
    else:
        qs = qs.filter(worker_id=worker_id or user.pk)
    visible = policy.person_visible_q(user, now=now, field="person", unlinked=False)
    episodes = _annotated(qs.filter(visible)).select_related("person", "worker", "team").order_by("referral_date", "pk")
    rows, by_stage = [], {label: 0 for _, label in CaseStage.choices if _ != CaseStage.CLOSED}
    for e in episodes:
        dues = _dues(e, today)
        next_due = dues[0] if dues else None
        by_stage[e.get_stage_display()] = by_stage.get(e.get_stage_display(), 0) + 1
        rows.append(
            {
                "episode_id": e.pk,
                "person_id": e.person_id,
                "name": e.person.display_name if hasattr(e.person, "display_name") else str(e.person),
                "sort_name": (e.person.family_name.casefold(), e.person.given_name.casefold()),
                "stage": e.get_stage_display(),
                "worker": e.worker.get_full_name() if e.worker else "",
                "team": e.team.name if e.team else "",
                "referral_date": e.referral_date,
                "last_seen": uk_date(e.last_visit_at) if e.last_visit_at else None,
                "next_due": next_due,
                "next_due_on": next_due.due if next_due else None,
                "overdue": [d for d in dues if d.overdue],
                "due_soon": bool(next_due and not next_due.overdue and (next_due.due - today).days <= 7),
            }
        )
    return {
        "rows": rows,
        "total": len(rows),
        "by_stage": by_stage,
        "overdue": sum(bool(r["overdue"]) for r in rows),
        "due_soon": sum(r["due_soon"] for r in rows),
        "scope": scope,
        "unallocated": CaseEpisode.objects.filter(visible, closure_date__isnull=True, worker__isnull=True).count(),
    }


def caseload_filter(rows: list[dict], show: str) -> list[dict]:
    """The cases a ``CASELOAD_FILTERS`` choice keeps (an unknown one keeps them all)."""
    if show == "overdue":
        return [r for r in rows if r["overdue"]]
    if show == "due_soon":
        return [r for r in rows if r["due_soon"]]
    if show == "unseen":
        return [r for r in rows if r["last_seen"] is None]
    return rows


def caseload_audit(*, user, rows: list[dict], now: datetime, scope: str) -> None:
    """Record the children a caseload page showed as read by the user (one row each)."""
    with transaction.atomic():
        audit.record_list(
            actor=user, person_ids=[r["person_id"] for r in rows], at=now, view=f"casework.caseload.{scope}"
        )


def caseload(*, user, now: datetime, scope: str = "mine", worker_id: int | None = None) -> dict:
    """The whole caseload of a scope (``caseload_cases``), every case audited as read."""
    data = caseload_cases(user=user, now=now, scope=scope, worker_id=worker_id)
    caseload_audit(user=user, rows=data["rows"], now=now, scope=scope)
    return data


def case_page(*, user, person: Person, now: datetime) -> dict:
    """The child's case: the open (or latest) episode, allocation history, plans, notes, what is due, actions.

    The caller has opened the child's record through ``person_get_for_user`` (access checked and audited).
    """
    today = uk_date(now)
    episodes = list(
        CaseEpisode.objects.filter(person=person).select_related("worker", "team").order_by("-referral_date", "-pk")
    )
    episode = next((e for e in episodes if e.closure_date is None), episodes[0] if episodes else None)
    if episode is None:
        return {"episode": None, "episodes": [], "actions": ["open"] if policy.can(user, "casework.record") else []}
    row = _annotated(CaseEpisode.objects.filter(pk=episode.pk)).get()
    dues = _dues(row, today) if episode.closure_date is None else []
    allocations = [
        {
            "team": a.team.name if a.team else "",
            "worker": a.worker.get_full_name() if a.worker else "Unallocated",
            "from": a.started_at,
            "to": a.ended_at,
            "decided_by": a.decided_by.get_full_name() or a.decided_by.username,
            "reason": a.reason,
        }
        for a in episode.allocations.select_related("team", "worker", "decided_by")
    ]
    notes = list(episode.notes.select_related("written_by").prefetch_related("corrections__written_by")[:50])
    cin_plans = list(episode.cin_plans.prefetch_related("reviews"))
    open_cin = next((p for p in cin_plans if p.end_date is None), None)
    cp_plans = list(
        ChildProtectionPlan.objects.filter(
            Q(episode=episode) | Q(episode__isnull=True, start_date__gte=episode.referral_date), person=person
        )
    )
    open_cp = next((p for p in cp_plans if p.end_date is None), None)
    open_assessment = Assessment.objects.filter(person=person, authorised_date__isnull=True).first()
    open_s47 = Section47.objects.filter(person=person, completed_date__isnull=True).first()
    key_dates = [("Referral", episode.referral_date)]
    for a in episode.assessments.all():
        key_dates.append(("Assessment started", a.start_date))
        if a.authorised_date:
            key_dates.append(("Assessment authorised", a.authorised_date))
    for p in cin_plans:
        key_dates.append(("Child-in-need plan started", p.start_date))
        if p.end_date:
            key_dates.append(("Child-in-need plan ended", p.end_date))
    for cp in cp_plans:
        key_dates.append(("Child protection plan started", cp.start_date))
        if cp.end_date:
            key_dates.append(("Child protection plan ended", cp.end_date))
    if episode.closure_date:
        key_dates.append(("Closed", episode.closure_date))
    key_dates.sort(key=lambda kd: kd[1])
    return {
        "episode": episode,
        "episodes": episodes,
        "allocations": allocations,
        "notes": notes,
        "cin_plans": cin_plans,
        "open_cin_plan": open_cin,
        "cp_plans": cp_plans,
        "open_cp_plan": open_cp,
        "dues": dues,
        "key_dates": key_dates,
        "last_visit": row.last_visit_at,
        # A pre-birth assessment due after the expected date of birth: the page warns.
        "pre_birth_late": bool(
            person.is_unborn
            and open_assessment is not None
            and person.expected_date_of_birth is not None
            and open_assessment.due_date > person.expected_date_of_birth
        ),
        "actions": case_actions(
            user=user,
            episode=episode,
            open_cin_plan=open_cin is not None,
            open_cp_plan=open_cp is not None,
            open_assessment=open_assessment is not None,
            open_s47=open_s47 is not None,
            unborn=person.is_unborn,
        ),
        "blockers": rules.closure_blockers(
            open_assessments=int(open_assessment is not None),
            open_section47s=int(open_s47 is not None),
            open_cin_plans=int(open_cin is not None),
            open_cp_plans=int(open_cp is not None),
            open_periods_of_care=person.cla_episodes.filter(end_date__isnull=True).count(),
        ),
    }


def case_actions(
    *,
    user,
    episode: CaseEpisode,
    open_cin_plan: bool,
    open_cp_plan: bool,
    open_assessment: bool,
    open_s47: bool,
    unborn: bool = False,
) -> list[str]:
    """The actions that fit the case's stage (never a fixed list of every action); an unborn child's
    case offers the pre-birth assessment, the expected date and the birth."""
    if not policy.can(user, "casework.record"):
        return []
    if episode.closure_date is not None:
        return ["open"]
    actions = ["allocate", "note"]
    if episode.stage in (CaseStage.REFERRAL,) and not open_assessment:
        actions.append("pre_birth_assessment" if unborn else "assessment")
    if unborn:
        actions += ["expected_date", "birth"]
    if open_assessment:
        actions.append("authorise")
    if episode.stage in (CaseStage.ASSESSMENT, CaseStage.CHILD_IN_NEED) and not open_cin_plan and not open_assessment:
        actions.append("cin_plan_start")
    if open_cin_plan:
        actions += ["cin_plan_review", "cin_plan_end"]
    if open_s47:
        actions.append("s47")
    if open_cp_plan:
        actions += ["core_group", "cp_review"]
    if not (open_cin_plan or open_cp_plan or open_assessment or open_s47) and episode.stage != CaseStage.LOOKED_AFTER:
        actions.append("close")
    return actions


def case_visible_q(user, *, now: datetime) -> Q:
    """A filter on episodes the user may open (through their child)."""
    return policy.person_visible_q(user, now=now, field="person", unlinked=False)
