"""Reads of the partnership's assurance records, access-checked, as plain data for pages (CONVENTIONS 4, 5)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from statistics import median

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safehub.core import policy
from safehub.core.calendar import UK, uk_date, working_days_between
from safehub.partnership.models import (
    AUDIT_TOOL_THEMES,
    OPEN_STAGES,
    REVIEW_TRANSITIONS,
    THEME_PRIORITY,
    Action,
    ActionStatus,
    AssuranceCheck,
    Attendance,
    AuditFinding,
    Briefing,
    CaseReview,
    Escalation,
    MultiAgencyAudit,
    Notification,
    Priority,
    Rating,
    Recommendation,
    ReportStage,
    ReviewStage,
    SectionStatus,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
    SubGroupMeeting,
    Theme,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
    YearlyReportDraft,
)
from safehub.people.models import Person

# ---------------------------------------------------------------------------------------------
# Audit sampling: plain functions over querysets, so other record types can be sampled later.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleCriteria:
    """Which people an audit may sample: an involvement of a kind, by an agency, started in a period."""

    involvement_kind: str = ""
    agency_id: int | None = None
    started_from: date | None = None
    started_to: date | None = None

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v}


def people_matching(criteria: SampleCriteria) -> QuerySet[Person]:
    """Return the people with an involvement matching the criteria (merged records excluded)."""
    involvement = Q()
    if criteria.involvement_kind:
        involvement &= Q(involvements__kind=criteria.involvement_kind)
    if criteria.agency_id:
        involvement &= Q(involvements__agency_id=criteria.agency_id)
    if criteria.started_from:
        involvement &= Q(involvements__started_at__date__gte=criteria.started_from)
    if criteria.started_to:
        involvement &= Q(involvements__started_at__date__lte=criteria.started_to)
    return Person.objects.filter(involvement, merged_into__isnull=True).distinct()


def sample_cases(qs: QuerySet, *, size: int, rng: random.Random) -> list:
    """Draw ``size`` records at random from any queryset (all of them when there are fewer)."""
    ids = sorted(qs.values_list("pk", flat=True))
    chosen = sorted(rng.sample(ids, min(size, len(ids))))
    by_id = qs.model.objects.in_bulk(chosen)
    return [by_id[i] for i in chosen]


# ---------------------------------------------------------------------------------------------
# Case reviews
# ---------------------------------------------------------------------------------------------


def _day(moment: datetime | None) -> date | None:
    return uk_date(moment) if moment else None


def timescale_status(*, due_at: datetime | None, done_at: datetime | None, now: datetime) -> dict | None:
    """Describe one timescale: due date, done date, and whether it was (or is) late."""
    if due_at is None:
        return None
    if done_at is not None:
        late = done_at > due_at
        text = f"Done {uk_date(done_at):%d/%m/%Y}" + (" (late)" if late else " (on time)")
    else:
        late = now > due_at
        text = f"{'Overdue since' if late else 'Due by'} {uk_date(due_at):%d/%m/%Y}"
    return {"due": uk_date(due_at), "done": _day(done_at), "late": late, "open": done_at is None, "text": text}


def review_timeliness(review: CaseReview, *, now: datetime) -> dict:
    today = uk_date(now)
    check = getattr(review, "assurance_check", None) if review.published_at else None
    assurance = None
    if check is not None:
        late = check.completed_at is None and check.due_date < today
        assurance = {
            "due": check.due_date,
            "late": late,
            "text": (
                f"Done {uk_date(check.completed_at):%d/%m/%Y}"
                if check.completed_at
                else f"{'Overdue since' if late else 'Due by'} {check.due_date:%d/%m/%Y}"
            ),
        }
    notification = timescale_status(due_at=review.notification_due_at, done_at=review.notified_at, now=now)
    rapid = timescale_status(due_at=review.rapid_review_due_at, done_at=review.rapid_review_completed_at, now=now)
    # A review "is late" while an open timescale is overdue, and "was late" for ever after.
    late = any(t and t["late"] for t in (notification, rapid, assurance))
    return {"notification": notification, "rapid_review": rapid, "assurance": assurance, "late": late}


def _review_row(review: CaseReview, now: datetime) -> dict:
    timing = review_timeliness(review, now=now)
    return {
        "id": review.pk,
        "reference": review.reference,
        "title": review.title,
        "subject": review.get_subject_display(),
        "agency": review.referring_agency.name,
        "referred": uk_date(review.referred_at),
        "stage": review.get_stage_display(),
        "stage_code": review.stage,
        "decision": review.get_decision_display() if review.decision else "Awaiting decision",
        "themes": review.theme_labels,
        "late": timing["late"],
        "timing": timing,
    }


def review_list(*, user, now: datetime, stage: str = "", late_only: bool = False) -> list[dict]:
    policy.require(user, "partnership.view")
    qs = CaseReview.objects.select_related("referring_agency", "assurance_check").order_by("-referred_at")
    if stage:
        qs = qs.filter(stage=stage)
    rows = [_review_row(r, now) for r in qs]
    return [r for r in rows if r["late"]] if late_only else rows


def review_get(*, user, review_id: int) -> CaseReview:
    policy.require(user, "partnership.view")
    review = CaseReview.objects.select_related("referring_agency", "decided_by", "referred_by").filter(pk=review_id)
    found = review.first()
    if found is None:
        raise Http404
    return found


def _recommendation_rows(recs: QuerySet[Recommendation], *, user, today: date) -> list[dict]:
    membership = policy.membership_for_user(user)
    manager = policy.can(user, "partnership.manage")
    out = []
    for rec in recs.select_related("lead_agency").prefetch_related("actions__agency"):
        actions = [
            {
                "id": a.pk,
                "description": a.description,
                "agency": a.agency.name,
                "owner": a.owner_name,
                "due": a.due_date,
                "status": a.status_label(today),
                "overdue": a.is_overdue(today),
                "complete": a.status == ActionStatus.COMPLETE,
                "evidence": a.evidence,
                "can_update": manager or (membership is not None and membership.agency_id == a.agency_id),
            }
            for a in rec.actions.all()
        ]
        out.append(
            {
                "id": rec.pk,
                "number": rec.number,
                "kind": rec.get_kind_display(),
                "text": rec.text,
                "made_by": rec.made_by,
                "lead_agency": rec.lead_agency.name if rec.lead_agency else "",
                "actions": actions,
                "complete": bool(actions) and all(a["complete"] for a in actions),
            }
        )
    return out


_MOVE_LABELS = {
    ReviewStage.IN_PROGRESS: "Mark as in progress",
    ReviewStage.DRAFT: "Draft report received",
    ReviewStage.APPROVED: "Approve the report",
    ReviewStage.CLOSED: "Close without publishing",
}


def review_detail(*, user, review: CaseReview, now: datetime) -> dict:
    """Prepare the review page: timescales, stages, linked people (named only to those who may open them)."""
    policy.require(user, "partnership.view")
    today = uk_date(now)
    people = []
    for link in review.people.select_related("person"):
        visible = policy.person_access(user, link.person, now=now).allowed
        people.append(
            {
                "role": link.get_role_display(),
                "name": link.person.display_name if visible else "Linked record (you do not have access)",
                "id": link.person_id if visible else None,
            }
        )
    check = AssuranceCheck.objects.filter(review=review).first()
    return {
        "review": review,
        "timing": review_timeliness(review, now=now),
        "people": people,
        "themes": review.theme_labels,
        "history": [
            {
                "at": c.changed_at,
                "from": ReviewStage(c.from_stage).label if c.from_stage else "",
                "to": ReviewStage(c.to_stage).label,
                "by": (c.changed_by.get_full_name() or c.changed_by.username) if c.changed_by else "Safehub",
                "note": c.note,
            }
            for c in review.stage_changes.select_related("changed_by")
        ],
        "moves": [
            {"code": code, "label": _MOVE_LABELS[code]}
            for code in (ReviewStage.IN_PROGRESS, ReviewStage.DRAFT, ReviewStage.APPROVED, ReviewStage.CLOSED)
            if code in REVIEW_TRANSITIONS.get(review.stage, frozenset())
            and not (code == ReviewStage.CLOSED and review.stage != ReviewStage.APPROVED)
        ],
        "can_decide": review.stage == ReviewStage.REFERRED,
        "can_notify": review.notifiable and review.notified_at is None,
        "can_record_rapid_review": review.stage == ReviewStage.RAPID_REVIEW
        and review.rapid_review_completed_at is None,
        "can_commission": ReviewStage.COMMISSIONED in REVIEW_TRANSITIONS.get(review.stage, frozenset())
        and review.decision in {"CSPR", "SAR", "DARDR", "LOCAL_LEARNING"},
        "can_publish": review.stage == ReviewStage.APPROVED,
        "can_assure": review.stage == ReviewStage.ASSURANCE_DUE,
        "assurance_check": check,
        "recommendations": _recommendation_rows(review.recommendations.all(), user=user, today=today),
        "briefings": list(review.briefings.values("id", "title", "published_at")),
        "can_manage": policy.can(user, "partnership.manage"),
    }


# ---------------------------------------------------------------------------------------------
# Actions and notifications
# ---------------------------------------------------------------------------------------------


def action_get(*, user, action_id: int) -> Action:
    policy.require(user, "partnership.view")
    action = (
        Action.objects.select_related(
            "agency",
            "recommendation__review",
            "recommendation__audit",
            "recommendation__inspection",
            "recommendation__self_assessment__agency",
        )
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404
    return action


def action_plan(*, user, now: datetime, agency_id: int | None = None, overdue_only: bool = False) -> list[dict]:
    """Every action with its source, for the action-plan tracker (filterable by agency)."""
    policy.require(user, "partnership.view")
    today = uk_date(now)
    membership = policy.membership_for_user(user)
    manager = policy.can(user, "partnership.manage")
    qs = Action.objects.select_related(
        "agency",
        "recommendation__review",
        "recommendation__audit",
        "recommendation__inspection",
        "recommendation__self_assessment__agency",
    ).order_by("due_date", "pk")
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if overdue_only:
        qs = qs.filter(due_date__lt=today).exclude(status=ActionStatus.COMPLETE)
    return [
        {
            "id": a.pk,
            "description": a.description,
            "source": a.recommendation.source_label,
            "recommendation": a.recommendation.text,
            "agency": a.agency.name,
            "owner": a.owner_name,
            "due": a.due_date,
            "status": a.status_label(today),
            "overdue": a.is_overdue(today),
            "can_update": manager or (membership is not None and membership.agency_id == a.agency_id),
        }
        for a in qs
    ]


def inspection_list(*, user, now: datetime) -> list[dict]:
    from safehub.partnership.models import Inspection

    policy.require(user, "partnership.view")
    today = uk_date(now)
    return [
        {
            "inspection": i,
            "recommendations": _recommendation_rows(i.recommendations.all(), user=user, today=today),
        }
        for i in Inspection.objects.all()
    ]


def notifications_for_user(*, user, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    """The user's agency's notifications (the partnership manager sees every agency's)."""
    policy.require(user, "partnership.view")
    qs = Notification.objects.select_related("recipient_agency")
    if not policy.can(user, "partnership.manage"):
        qs = qs.filter(recipient_agency_id=policy.agency_id_of(user))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:limit])


def notification_get(*, user, notification_id: int) -> Notification:
    policy.require(user, "partnership.view")
    found = Notification.objects.filter(pk=notification_id).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------------------------------------
# Audits
# ---------------------------------------------------------------------------------------------


def audit_list(*, user) -> list[dict]:
    policy.require(user, "partnership.view")
    qs = MultiAgencyAudit.objects.annotate(
        n_cases=Count("cases", distinct=True), n_returns=Count("cases__returns", distinct=True)
    )
    return [
        {
            "id": a.pk,
            "title": a.title,
            "tool": a.get_tool_display(),
            "priority": a.get_priority_display() if a.priority else "",
            "planned": a.planned_date,
            "status": a.get_status_display(),
            "cases": a.n_cases,
            "returns": a.n_returns,
        }
        for a in qs
    ]


def audit_get(*, user, audit_id: int) -> MultiAgencyAudit:
    policy.require(user, "partnership.view")
    found = MultiAgencyAudit.objects.filter(pk=audit_id).first()
    if found is None:
        raise Http404
    return found


def audit_detail(*, user, audit_item: MultiAgencyAudit, now: datetime) -> dict:
    """Cases are shown by number; agencies see their own answers, the partnership sees all."""
    policy.require(user, "partnership.view")
    membership = policy.membership_for_user(user)
    manager = policy.can(user, "partnership.manage")
    participating = set(audit_item.agencies.values_list("pk", flat=True))
    my_agency = membership.agency_id if membership else None
    questions = dict(audit_item.questions)
    cases = []
    for case in audit_item.cases.prefetch_related("returns__agency"):
        returns = [
            {
                "agency": r.agency.name,
                "grade": r.get_grade_display(),
                "answers": [(questions.get(k, k), v) for k, v in r.answers.items()],
                "comments": r.comments,
                "mine": r.agency_id == my_agency,
            }
            for r in case.returns.all()
            if manager or r.agency_id == my_agency
        ]
        cases.append(
            {
                "id": case.pk,
                "number": case.number,
                "returns": returns,
                "answered_by_me": any(r["mine"] for r in returns),
                "n_returns": case.returns.count(),
            }
        )
    grades = Counter(g for g in audit_item.cases.values_list("returns__grade", flat=True) if g)
    from safehub.partnership.models import Grade

    return {
        "audit": audit_item,
        "questions": audit_item.questions,
        "agencies": list(audit_item.agencies.values_list("name", flat=True)),
        "cases": cases,
        "grades": [(label, grades.get(code, 0)) for code, label in Grade.choices],
        "findings": list(audit_item.finding_items.all()),
        "recommendations": _recommendation_rows(audit_item.recommendations.all(), user=user, today=uk_date(now)),
        "sample": sample_description(audit_item.sample_criteria),
        "can_sample": manager and not cases,
        "can_manage": manager,
        "can_answer": policy.can(user, "partnership.contribute")
        and (not participating or my_agency in participating)
        and audit_item.status != "COMPLETE",
    }


def sample_description(criteria: dict) -> list[tuple[str, str]]:
    """The criteria an audit's sample was drawn by, as (label, value) rows for the page."""
    from safehub.agencies.models import Agency
    from safehub.people.models import InvolvementKind

    if not criteria:
        return []
    rows = [("Cases", str(criteria.get("size", "")))]
    if kind := criteria.get("involvement_kind"):
        rows.append(("Involvement", InvolvementKind(kind).label if kind in InvolvementKind.values else kind))
    if agency_id := criteria.get("agency_id"):
        rows.append(("Agency", Agency.objects.filter(pk=agency_id).values_list("name", flat=True).first() or ""))
    if criteria.get("started_from") or criteria.get("started_to"):
        start = date.fromisoformat(criteria["started_from"]) if criteria.get("started_from") else None
        end = date.fromisoformat(criteria["started_to"]) if criteria.get("started_to") else None
        rows.append(
            (
                "Involvement started",
                f"{f'{start:%d/%m/%Y}' if start else 'any time'} to {f'{end:%d/%m/%Y}' if end else 'now'}",
            )
        )
    rows.append(("Draw number", str(criteria.get("seed", 0))))
    return rows


# ---------------------------------------------------------------------------------------------
# Training, briefings
# ---------------------------------------------------------------------------------------------


def training_overview(*, user, now: datetime, days: int = 365) -> dict:
    policy.require(user, "partnership.view")
    since = now - timedelta(days=days)
    events = (
        TrainingEvent.objects.filter(starts_at__gte=since, starts_at__lte=now)
        .select_related("course")
        .annotate(
            n=Count("attendances", filter=Q(attendances__attended=True)),
            useful=Count("attendances", filter=Q(attendances__usefulness__gte=4)),
            rated=Count("attendances", filter=Q(attendances__usefulness__isnull=False)),
        )
        .order_by("-starts_at")
    )
    attendances = TrainingAttendance.objects.filter(
        event__starts_at__gte=since, event__starts_at__lte=now, attended=True
    )
    by_kind = (
        attendances.values("agency__kind")
        .annotate(n=Count("pk"), agencies=Count("agency", distinct=True))
        .order_by("-n")
    )
    from safehub.agencies.models import AgencyKind

    rated = attendances.filter(usefulness__isnull=False)
    n_rated = rated.count()
    courses = []
    for course in TrainingCourse.objects.prefetch_related("quality_checks"):
        last = next(iter(course.quality_checks.all()), None)
        courses.append(
            {
                "id": course.pk,
                "title": course.title,
                "theme": course.get_theme_display(),
                "priority": course.get_priority_display() if course.priority else "",
                "last_check": last.checked_date if last else None,
                "passed": last.passed if last else None,
                "check_due": last is None or last.checked_date < uk_date(now) - timedelta(days=365),
            }
        )
    upcoming = TrainingEvent.objects.filter(starts_at__gt=now).select_related("course").order_by("starts_at")
    return {
        "upcoming": [
            {
                "id": e.pk,
                "title": e.course.title,
                "starts": e.starts_at.astimezone(UK),
                "venue": e.venue or "Online",
                "capacity": e.capacity,
            }
            for e in upcoming
        ],
        "events": [
            {
                "id": e.pk,
                "title": e.course.title,
                "starts": e.starts_at.astimezone(UK),
                "venue": e.venue or "Online",
                "attended": e.n,
                "useful_pct": round(100 * e.useful / e.rated) if e.rated else None,
            }
            for e in events
        ],
        "attendance": attendances.count(),
        "agencies_reached": attendances.values("agency").distinct().count(),
        "by_kind": [
            {"kind": AgencyKind(row["agency__kind"]).label, "attended": row["n"], "agencies": row["agencies"]}
            for row in by_kind
        ],
        "useful_pct": round(100 * rated.filter(usefulness__gte=4).count() / n_rated) if n_rated else None,
        "courses": courses,
        "can_manage": policy.can(user, "partnership.manage"),
    }


def course_get(*, user, course_id: int) -> TrainingCourse:
    policy.require(user, "partnership.view")
    found = TrainingCourse.objects.filter(pk=course_id).first()
    if found is None:
        raise Http404
    return found


def event_get(*, user, event_id: int) -> TrainingEvent:
    policy.require(user, "partnership.view")
    found = TrainingEvent.objects.select_related("course").filter(pk=event_id).first()
    if found is None:
        raise Http404
    return found


def event_detail(*, user, event: TrainingEvent) -> dict:
    policy.require(user, "partnership.view")
    rows = list(event.attendances.select_related("agency").order_by("agency__name", "attendee_name"))
    manager = policy.can(user, "partnership.manage")
    my_agency = policy.agency_id_of(user)
    roles = Counter(a.job_role for a in rows if a.attended)
    return {
        "event": event,
        # Names of attendees are the agency's own business; the partnership sees them all.
        "attendances": [a for a in rows if manager or a.agency_id == my_agency],
        "by_agency": Counter(a.agency.name for a in rows if a.attended).most_common(),
        "by_role": roles.most_common(),
        "places_left": max(0, event.capacity - len(rows)),
    }


def briefing_list(*, user) -> list[dict]:
    policy.require(user, "partnership.view")
    read_ids = set(Briefing.objects.filter(reads__user=user).values_list("pk", flat=True))
    qs = Briefing.objects.annotate(n_reads=Count("reads")).select_related("review")
    return [
        {
            "id": b.pk,
            "title": b.title,
            "kind": b.get_kind_display(),
            "theme": b.get_theme_display(),
            "published": b.published_at,
            "reads": b.n_reads,
            "read_by_me": b.pk in read_ids,
            "review": b.review.reference if b.review else "",
        }
        for b in qs
    ]


def briefing_get(*, user, briefing_id: int) -> Briefing:
    policy.require(user, "partnership.view")
    found = Briefing.objects.filter(pk=briefing_id).first()
    if found is None:
        raise Http404
    return found


def briefing_reads_by_agency(*, briefing: Briefing) -> list[tuple[str, int]]:
    return [
        (row["agency__name"] or "No agency", row["n"])
        for row in briefing.reads.values("agency__name").annotate(n=Count("pk")).order_by("-n")
    ]


# ---------------------------------------------------------------------------------------------
# Self-assessments
# ---------------------------------------------------------------------------------------------


def cycle_list(*, user) -> list[dict]:
    policy.require(user, "partnership.view")
    qs = SelfAssessmentCycle.objects.annotate(
        n=Count("returns"), submitted=Count("returns", filter=Q(returns__submitted_at__isnull=False))
    )
    return [
        {
            "id": c.pk,
            "kind": c.get_kind_display(),
            "year": c.year,
            "cycle_year": c.get_cycle_year_display(),
            "due": c.due_date,
            "returns": c.n,
            "submitted": c.submitted,
        }
        for c in qs
    ]


def cycle_get(*, user, cycle_id: int) -> SelfAssessmentCycle:
    policy.require(user, "partnership.view")
    found = SelfAssessmentCycle.objects.filter(pk=cycle_id).first()
    if found is None:
        raise Http404
    return found


def cycle_detail(*, user, cycle: SelfAssessmentCycle, now: datetime | None = None) -> dict:
    """Per standard, how many agencies met it (the themes across agencies); agencies' own returns."""
    policy.require(user, "partnership.view")
    manager = policy.can(user, "partnership.manage")
    my_agency = policy.agency_id_of(user)
    today = uk_date(now or datetime.now(UK))
    returns = list(cycle.returns.select_related("agency").prefetch_related("ratings").order_by("agency__name"))
    tally: dict[str, Counter] = defaultdict(Counter)
    for r in returns:
        for rating in r.ratings.all():
            tally[rating.standard][rating.rating] += 1
    return {
        "cycle": cycle,
        "standards": [
            {
                "code": code,
                "text": text,
                "met": tally[code][Rating.MET],
                "partly": tally[code][Rating.PARTLY_MET],
                "not_met": tally[code][Rating.NOT_MET],
                "weak": tally[code][Rating.PARTLY_MET] + tally[code][Rating.NOT_MET],
            }
            for code, text in cycle.standards
        ],
        "returns": [
            {
                "id": r.pk,
                "agency": r.agency.name,
                "submitted": r.submitted_at,
                "can_edit": manager or r.agency_id == my_agency,
                "weak": sum(1 for rating in r.ratings.all() if rating.rating != Rating.MET),
                "recommendations": _recommendation_rows(r.recommendations.all(), user=user, today=today),
            }
            for r in returns
        ],
        "can_manage": manager,
    }


def return_weaknesses(*, user, sa_return: SelfAssessmentReturn) -> list[str]:
    """The standards a return rates partly met or not met, with what the agency said, for the action plan."""
    policy.require(user, "partnership.view")
    texts = dict(sa_return.cycle.standards)
    return [
        f"{r.standard} {texts.get(r.standard, '')}: {r.get_rating_display()}"
        + (f". {r.evidence}" if r.evidence else "")
        for r in sa_return.ratings.exclude(rating=Rating.MET)
    ]


def return_get(*, user, return_id: int) -> SelfAssessmentReturn:
    policy.require(user, "partnership.view")
    found = SelfAssessmentReturn.objects.select_related("cycle", "agency").filter(pk=return_id).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------------------------------------
# Escalations
# ---------------------------------------------------------------------------------------------


def escalation_list(*, user, now: datetime) -> list[dict]:
    policy.require(user, "partnership.view")
    manager = policy.can(user, "partnership.manage")
    my_agency = policy.agency_id_of(user)
    qs = Escalation.objects.select_related("raised_by_agency", "raised_with_agency")
    if not manager:
        qs = qs.filter(Q(raised_by_agency_id=my_agency) | Q(raised_with_agency_id=my_agency))
    return [
        {
            "id": e.pk,
            "raised_by": f"{e.raised_by_name}, {e.raised_by_agency.name}",
            "raised_with": f"{e.raised_with_name + ', ' if e.raised_with_name else ''}{e.raised_with_agency.name}",
            "concern": e.concern,
            "stage": e.stage,
            "raised": uk_date(e.raised_at),
            "outcome": e.get_outcome_display() if e.outcome else "",
            "working_days": working_days_between(e.raised_at, e.resolved_at or now),
            "open": e.resolved_at is None,
        }
        for e in qs
    ]


def escalation_get(*, user, escalation_id: int) -> Escalation:
    """Return the escalation to the two agencies in it and the partnership team (404 to others)."""
    policy.require(user, "partnership.view")
    qs = Escalation.objects.select_related("raised_by_agency", "raised_with_agency").filter(pk=escalation_id)
    if not policy.can(user, "partnership.manage"):
        my_agency = policy.agency_id_of(user)
        qs = qs.filter(Q(raised_by_agency_id=my_agency) | Q(raised_with_agency_id=my_agency))
    found = qs.first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------------------------------------
# The partnership dashboard (executive and scrutineer)
# ---------------------------------------------------------------------------------------------


def _priority_of_review(review: CaseReview) -> set[str]:
    return {THEME_PRIORITY[t] for t in review.themes if t in THEME_PRIORITY}


def dashboard(*, user, now: datetime) -> dict:
    """Everything the executive and the scrutineer look at, prepared in one place."""
    policy.require(user, "partnership.view")
    today = uk_date(now)
    reviews = list(CaseReview.objects.select_related("referring_agency", "assurance_check"))
    rows = [_review_row(r, now) for r in reviews]
    stage_counts = Counter(r["stage_code"] for r in rows)
    late_counts = Counter(r["stage_code"] for r in rows if r["late"] and r["stage_code"] in OPEN_STAGES)
    by_stage = [
        {"stage": label, "code": code, "count": stage_counts.get(code, 0), "late": late_counts.get(code, 0)}
        for code, label in ReviewStage.choices
    ]
    year_ago = now - timedelta(days=365)
    referrals_year = [r for r in reviews if r.referred_at >= year_ago]

    actions = Action.objects.exclude(status=ActionStatus.COMPLETE)
    by_agency = (
        actions.values("agency__name", "agency_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("-overdue", "agency__name")
    )
    findings = AuditFinding.objects.values("theme", "kind").annotate(n=Count("pk"))
    finding_table: dict[str, dict] = {}
    for row in findings:
        entry = finding_table.setdefault(
            row["theme"], {"theme": Theme(row["theme"]).label, "strength": 0, "improve": 0}
        )
        entry["strength" if row["kind"] == AuditFinding.Kind.STRENGTH else "improve"] += row["n"]

    training = training_overview(user=user, now=now)
    escalations = list(Escalation.objects.all())
    resolved_days = [working_days_between(e.raised_at, e.resolved_at) for e in escalations if e.resolved_at]

    # Evidence for each priority: reviews (by theme), audits, courses, briefings.
    evidence: dict[str, dict[str, list]] = {p: defaultdict(list) for p in Priority.values}
    for review in reviews:
        for p in _priority_of_review(review):
            evidence[p]["reviews"].append({"id": review.pk, "label": f"{review.reference} {review.title}"})
    for item in MultiAgencyAudit.objects.all():
        p = item.priority or THEME_PRIORITY.get(AUDIT_TOOL_THEMES.get(item.tool, ""), "")
        if p:
            evidence[p]["audits"].append({"id": item.pk, "label": item.title})
    attended = dict(
        TrainingAttendance.objects.filter(attended=True, event__starts_at__gte=year_ago)
        .values_list("event__course")
        .annotate(n=Count("pk"))
    )
    for course in TrainingCourse.objects.all():
        p = course.priority or THEME_PRIORITY.get(course.theme, "")
        if p:
            evidence[p]["courses"].append(
                {"id": course.pk, "label": f"{course.title} ({attended.get(course.pk, 0)} trained)"}
            )
    for b in Briefing.objects.all():
        p = THEME_PRIORITY.get(b.theme, "")
        if p:
            evidence[p]["briefings"].append({"id": b.pk, "label": b.title})
    priorities = [
        {
            "code": code,
            "label": label,
            "reviews": evidence[code]["reviews"],
            "audits": evidence[code]["audits"],
            "courses": evidence[code]["courses"],
            "briefings": evidence[code]["briefings"],
        }
        for code, label in Priority.choices
    ]
    latest_s11 = SelfAssessmentCycle.objects.filter(kind="SECTION_11").first()
    return {
        "today": today,
        "by_stage": by_stage,
        "late_reviews": [r for r in rows if r["late"] and r["stage_code"] in OPEN_STAGES],
        "open_reviews": sum(1 for r in rows if r["stage_code"] in OPEN_STAGES),
        "referrals_year": {
            "children": sum(1 for r in referrals_year if r.subject == "CHILD"),
            "adults": sum(1 for r in referrals_year if r.subject != "CHILD"),
        },
        "awaiting_decision": stage_counts.get(ReviewStage.REFERRED, 0),
        "actions_by_agency": list(by_agency),
        "overdue_actions": sum(row["overdue"] for row in by_agency),
        "open_actions": sum(row["open"] for row in by_agency),
        "findings_by_theme": sorted(finding_table.values(), key=lambda e: -(e["improve"] + e["strength"])),
        "training": training,
        "escalations": {
            "open": sum(1 for e in escalations if e.resolved_at is None),
            "by_stage": [
                (stage, sum(1 for e in escalations if e.resolved_at is None and e.stage == stage))
                for stage in (1, 2, 3, 4)
            ],
            "median_days": median(resolved_days) if resolved_days else None,
        },
        "priorities": priorities,
        "s11": (
            {
                "cycle": latest_s11,
                "submitted": latest_s11.returns.filter(submitted_at__isnull=False).count(),
                "total": latest_s11.returns.count(),
            }
            if latest_s11
            else None
        ),
        "notifications": notifications_for_user(user=user, unread_only=True, limit=10),
        "can_manage": policy.can(user, "partnership.manage"),
    }


def reviews_awaiting_decision(*, now: datetime) -> int:
    return CaseReview.objects.filter(stage=ReviewStage.REFERRED).count()


def overdue_actions_count(*, now: datetime, agency_id: int | None = None) -> int:
    qs = Action.objects.filter(due_date__lt=uk_date(now)).exclude(status=ActionStatus.COMPLETE)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    return qs.count()


# ---------------------------------------------------------------------------------------------
# The yearly report's sign-off
# ---------------------------------------------------------------------------------------------


def report_section_may_write(*, user, year: str, key: str) -> bool:
    """Whether the user may edit a section's text now: the report's editors or the section's lead,
    and only while the report is being drafted (nothing changes under the scrutineer's eyes)."""
    draft = YearlyReportDraft.objects.filter(year=year).first()
    if draft is not None and (draft.stage != ReportStage.DRAFTING or draft.scrutineer_id == getattr(user, "pk", None)):
        return False  # fixed once with the scrutineer; and the scrutineer reviews the text, never writes it
    if policy.can(user, "insight.report_edit"):
        return True
    lead_id = getattr(user, "pk", None)  # a system actor (command line) is never a section's lead
    return (
        draft is not None
        and lead_id is not None
        and draft.leads.filter(key=key, lead_id=lead_id, status=SectionStatus.WITH_LEAD).exists()
    )


def report_draft_summary(*, year: str) -> dict | None:
    """The sign-off stage of a year's report, for the insight report page (None: not started)."""
    draft = YearlyReportDraft.objects.select_related("scrutineer").filter(year=year).first()
    if draft is None:
        return None
    approved = draft.stage in (ReportStage.APPROVED, ReportStage.PUBLISHED)
    return {
        "stage": draft.get_stage_display(),
        "published": draft.stage == ReportStage.PUBLISHED,
        "approved_at": draft.approved_at if approved else None,
        "scrutineer": draft.scrutineer.get_full_name() or draft.scrutineer.username,
    }


def report_draft_get(*, user, year: str) -> YearlyReportDraft:
    """The year's draft for any partnership member (404 when there is none)."""
    policy.require(user, "partnership.view")
    draft = YearlyReportDraft.objects.select_related("scrutineer", "started_by").filter(year=year).first()
    if draft is None:
        raise Http404
    return draft


def report_scrutineer_choices(*, user) -> list:
    """People who may be named as the independent scrutineer (anyone who can approve, but not the user)."""
    from django.contrib.auth import get_user_model

    from safehub.agencies.models import Membership

    roles = policy.ROLE_RULES["partnership.report_approve"]
    ids = Membership.objects.filter(role__in=roles).exclude(user_id=user.pk).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True).order_by("last_name", "first_name"))


def report_lead_choices() -> list:
    """People who may lead a section: anyone who can contribute to the partnership's work."""

    from safehub.agencies.models import Membership

    roles = policy.ROLE_RULES["partnership.contribute"]
    members = Membership.objects.filter(role__in=roles, user__is_active=True).select_related("user", "agency")
    return sorted((m for m in members), key=lambda m: (m.agency.name, m.user.last_name, m.user.first_name))


def report_draft_page(*, user, draft: YearlyReportDraft) -> dict:
    """Everything the sign-off page shows: each section with its lead, status, text state and comments."""
    from safehub.insight.models import ReportSection, ReportSectionKey

    leads = {row.key: row for row in draft.leads.select_related("lead")}
    texts = {s.key: s for s in ReportSection.objects.filter(year=draft.year)}
    comments = list(draft.comments.select_related("written_by"))
    # The scrutineer's role may hold the business unit's permissions too; on this report they only review.
    manage = policy.can(user, "partnership.manage") and draft.scrutineer_id != user.pk
    drafting = draft.stage == ReportStage.DRAFTING
    sections = []
    for key in ReportSectionKey:
        lead = leads.get(key.value)
        text = texts.get(key.value)
        mine = lead is not None and lead.lead_id == user.pk
        sections.append({
            "key": key.value, "title": key.label,
            "lead": lead.lead.get_full_name() or lead.lead.username if lead else "",
            "status": lead.get_status_display() if lead else "No lead",
            "ready": bool(lead and lead.status == SectionStatus.READY),
            "text_state": ("Not written" if text is None or not text.text else
                           "Placeholder text" if text.is_placeholder else "Written"),
            "updated_at": text.updated_at if text else None,
            "comments": [c for c in comments if c.key == key.value],
            "can_edit": report_section_may_write(user=user, year=draft.year, key=key.value),
            "can_mark_ready": drafting and lead is not None and lead.status != SectionStatus.READY and (mine or manage),
        })  # fmt: skip
    is_scrutineer = draft.scrutineer_id == user.pk and policy.can(user, "partnership.report_approve")
    published = getattr(draft, "published", None) if draft.stage == ReportStage.PUBLISHED else None
    return {
        "draft": draft,
        "sections": sections,
        "general_comments": [c for c in comments if not c.key],
        "can_manage": manage and drafting,
        "can_submit": manage and drafting and all(s["ready"] for s in sections if s["lead"]),
        "can_decide": is_scrutineer and draft.stage == ReportStage.WITH_SCRUTINEER,
        "can_publish": manage and draft.stage == ReportStage.APPROVED,
        "can_comment": draft.stage != ReportStage.PUBLISHED
        and (manage or draft.scrutineer_id == user.pk or any(r.lead_id == user.pk for r in leads.values())),
        "can_build": policy.can(user, "insight.view"),
        "published": published,
        "published_files": list(published.files.values_list("name", flat=True)) if published else [],
        "keys": ReportSectionKey.choices,
    }


def report_drafts(*, user) -> list[YearlyReportDraft]:
    policy.require(user, "partnership.view")
    return list(YearlyReportDraft.objects.select_related("scrutineer"))


def published_report_file(*, user, year: str, name: str) -> tuple[bytes, str]:
    """A file of the published report, checked against the digest taken when it was published."""
    import hashlib

    from safehub.partnership.models import PublishedReportFile

    policy.require(user, "partnership.view")
    found = PublishedReportFile.objects.filter(report__year=year, name=name).first()
    if found is None:
        raise Http404
    content = bytes(found.content)
    if hashlib.sha256(content).hexdigest() != found.sha256:
        raise ValueError(f"Published report {year} {name}: the stored file does not match its digest")
    return content, found.sha256


# ---------------------------------------------------------------------------------------------
# Sub-group meetings
# ---------------------------------------------------------------------------------------------


def meeting_get(*, user, meeting_id: int) -> SubGroupMeeting:
    policy.require(user, "partnership.view")
    found = SubGroupMeeting.objects.filter(pk=meeting_id).first()
    if found is None:
        raise Http404
    return found


def meeting_detail(*, user, meeting: SubGroupMeeting, today: date) -> dict:
    """A meeting with its attendance by status and its actions (each marked overdue or done)."""
    attendance: dict[str, list[str]] = defaultdict(list)
    for row in meeting.attendance.select_related("agency").order_by("agency__name"):
        attendance[row.status].append(row.agency.name)
    membership = policy.membership_for_user(user)
    manage = policy.can(user, "partnership.manage")
    actions = [
        {"id": a.pk, "description": a.description, "agency": a.agency.name, "owner": a.owner_name,
         "due": a.due_date, "done": a.completed_date, "overdue": a.is_overdue(today),
         "can_complete": a.completed_date is None and (manage or (membership is not None
                                                                 and membership.agency_id == a.agency_id))}
        for a in meeting.actions.select_related("agency")
    ]  # fmt: skip
    return {
        "meeting": meeting,
        "present": attendance[Attendance.PRESENT],
        "apologies": attendance[Attendance.APOLOGIES],
        "absent": attendance[Attendance.ABSENT],
        "actions": actions,
        "can_manage": manage,
    }


def meeting_rows(*, group: str = "") -> QuerySet:
    """Meetings, newest first, annotated with attendance and action counts (for the paged list)."""
    qs = SubGroupMeeting.objects.annotate(
        invited=Count("attendance", distinct=True),
        present=Count("attendance", filter=Q(attendance__status=Attendance.PRESENT), distinct=True),
        action_count=Count("actions", distinct=True),
    )
    return qs.filter(group=group) if group else qs
