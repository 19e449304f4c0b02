"""Reads for the yearly report: what the partnership's own records say about one financial year.

Every function takes a financial year label (``2025-26``) and an ``as_of`` date (today, for a year
not yet over), and returns plain numbers and labels: no people, only counts and the partnership's
own work (reviews by their published names, audits, courses, returns, escalations). The
insight app's report turns these into tables; the figures are defined here, once. Money is counted
in ``finance.selectors``, meetings in ``meetings.selectors`` and actions in ``actions.selectors``
(used here for the sub-groups' work); a year's bounds are in ``periods``.

Dates are UK calendar dates: a review referred at 23:30 on 31 March counts in that year.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from statistics import median

from django.db.models import Count, Min

from safehub.agencies.models import AgencyKind
from safehub.core.calendar import UK, financial_year, uk_date, working_days_between
from safehub.partnership.actions.selectors import actions_summary
from safehub.partnership.meetings.selectors import meetings_summary
from safehub.partnership.models import (
    AssuranceCheck,
    AuditAgencyReturn,
    AuditFinding,
    AuditStatus,
    Briefing,
    BriefingRead,
    CaseReview,
    CaseReviewStageChange,
    Escalation,
    Grade,
    MultiAgencyAudit,
    Rating,
    ReviewDecision,
    ReviewStage,
    ReviewSubject,
    SelfAssessmentCycle,
    SelfAssessmentKind,
    SelfAssessmentRating,
    SelfAssessmentReturn,
    SubGroup,
    SubGroupMeeting,
    Theme,
    TrainingAttendance,
    TrainingEvent,
    TrainingQualityCheck,
)
from safehub.partnership.periods import bounds, dates_in_year, in_year, year_end

# Sectors for training attendance, as the learning and development group reports them.
SECTORS: dict[str, str] = {
    AgencyKind.LA_CHILDREN: "Local authority",
    AgencyKind.LA_ADULTS: "Local authority",
    AgencyKind.HOUSING: "Local authority",
    AgencyKind.POLICE: "Police",
    AgencyKind.ICB: "Health",
    AgencyKind.HEALTH_TRUST: "Health",
    AgencyKind.AMBULANCE: "Health",
    AgencyKind.GP: "Health",
    AgencyKind.SCHOOL: "Education",
    AgencyKind.EARLY_YEARS: "Education",
    AgencyKind.PROBATION: "Probation and youth justice",
    AgencyKind.YOUTH_JUSTICE: "Probation and youth justice",
    AgencyKind.VOLUNTARY: "Voluntary and community",
    AgencyKind.CARE_PROVIDER: "Care providers",
    AgencyKind.PARTNERSHIP: "Partnership team",
}


SECTOR_ORDER = [
    "Local authority",
    "Police",
    "Health",
    "Education",
    "Probation and youth justice",
    "Voluntary and community",
    "Care providers",
    "Partnership team",
]


def coverage(year: str, since: date | None, as_of: date) -> str:
    """Return how far records that began on ``since`` cover the year: "full", "part" or "none"."""
    start, end = financial_year(year)
    if since is None or since > end or start > as_of:
        return "none"
    return "full" if since <= start and end < as_of else "part"


def records_since() -> dict[str, date | None]:
    """The first day each kind of partnership record covers (None: no records of that kind)."""

    def first(value) -> date | None:
        if value is None:
            return None
        return uk_date(value) if isinstance(value, datetime) else value

    return {
        "reviews": first(CaseReview.objects.aggregate(m=Min("referred_at"))["m"]),
        "audits": first(MultiAgencyAudit.objects.aggregate(m=Min("planned_date"))["m"]),
        "training": first(TrainingEvent.objects.aggregate(m=Min("starts_at"))["m"]),
        "self_assessments": first(SelfAssessmentCycle.objects.aggregate(m=Min("opens_date"))["m"]),
        "escalations": first(Escalation.objects.aggregate(m=Min("raised_at"))["m"]),
        "meetings": first(SubGroupMeeting.objects.aggregate(m=Min("held_at"))["m"]),
        "finance": None,  # a contribution is recorded for a year; see finance.selectors.finance_years()
    }


REVIEW_MEASURES: list[tuple[str, str]] = [
    ("referrals", "Referrals received"),
    ("rapid_reviews", "Rapid reviews held"),
    ("statutory", "Decided: SAR or CSPR"),
    ("dardr", "Decided: domestic abuse related death review"),
    ("local", "Decided: local learning review"),
    ("thematic", "Decided: part of a thematic review"),
    ("no_review", "Decided: no review (single-agency learning)"),
    ("published", "Reviews published"),
    ("assurance", "Assurance checks completed"),
]


# The measure each settled decision counts towards.
DECISION_MEASURE: dict[str, str] = {
    ReviewDecision.SAR: "statutory",
    ReviewDecision.CSPR: "statutory",
    ReviewDecision.DARDR: "dardr",
    ReviewDecision.LOCAL_LEARNING: "local",
    ReviewDecision.THEMATIC: "thematic",
    ReviewDecision.NO_REVIEW: "no_review",
    ReviewDecision.SINGLE_AGENCY: "no_review",
}


def _group(subject: str) -> str:
    return "children" if subject == ReviewSubject.CHILD else "adults"


def _outcome_at(review: CaseReview) -> datetime | None:
    """When the review's outcome was settled: the rapid review's end, else the decision."""
    if review.rapid_review_completed_at is not None:
        return review.rapid_review_completed_at
    return None if review.decision == ReviewDecision.RAPID_REVIEW else review.decided_at


def practice_reviews(*, year: str, as_of: date) -> dict:
    """Count the practice review group's year for adults and children, with themes, stages and actions.

    Rules: a referral counts in the year it was received; a rapid review in the year it started
    (the review moved to the rapid review stage); a decision (SAR, CSPR, DARDR, local learning,
    thematic, no review) in the year it was settled (the rapid review's completion where there was
    one); a publication on its date; an assurance check when completed.
    """
    start, end = bounds(year)
    counts: dict[str, Counter] = {"adults": Counter(), "children": Counter()}
    themes: dict[str, Counter] = {"adults": Counter(), "children": Counter()}
    reviews = list(CaseReview.objects.all())
    by_id = {r.pk: r for r in reviews}
    for review in reviews:
        group = _group(review.subject)
        if start <= review.referred_at < end:
            counts[group]["referrals"] += 1
            themes[group].update(review.themes)
        settled = _outcome_at(review)
        if settled is not None and start <= settled < end:
            key = DECISION_MEASURE.get(str(review.decision))
            if key:
                counts[group][key] += 1
        if review.published_at is not None and start <= review.published_at < end:
            counts[group]["published"] += 1
    for change in CaseReviewStageChange.objects.filter(in_year(year, "changed_at"), to_stage=ReviewStage.RAPID_REVIEW):
        counts[_group(by_id[change.review_id].subject)]["rapid_reviews"] += 1
    for check in AssuranceCheck.objects.filter(in_year(year, "completed_at")):
        counts[_group(by_id[check.review_id].subject)]["assurance"] += 1
    snapshot = datetime.combine(year_end(year, as_of) + timedelta(days=1), time.min, tzinfo=UK)
    stage_at: dict[int, str] = {}
    for change in CaseReviewStageChange.objects.filter(changed_at__lt=snapshot).order_by("changed_at", "pk"):
        stage_at[change.review_id] = change.to_stage
    stages: dict[str, Counter] = {"adults": Counter(), "children": Counter()}
    for review_id, stage in stage_at.items():
        if stage != ReviewStage.CLOSED:
            stages[_group(by_id[review_id].subject)][stage] += 1
    published = [
        {"reference": r.reference, "title": r.title, "kind": r.get_decision_display(), "date": uk_date(r.published_at)}
        for r in sorted(reviews, key=lambda r: r.published_at or start)
        if r.published_at is not None and start <= r.published_at < end
    ]
    return {
        "counts": {g: {key: c[key] for key, _ in REVIEW_MEASURES} for g, c in counts.items()},
        "themes": {
            g: [(Theme(t).label, n) for t, n in c.most_common() if t in Theme.values] for g, c in themes.items()
        },
        "stages": {g: [(ReviewStage(s).label, c[s]) for s in ReviewStage.values if c[s]] for g, c in stages.items()},
        "published": published,
        "briefings": Briefing.objects.filter(in_year(year, "published_at"), review__isnull=False).count(),
        "actions": actions_summary(year=year, as_of=as_of, source="review"),
    }


def audits(*, year: str) -> dict:
    """Return the year's multi-agency audits (planned in the year), each with its grades and findings."""
    items = list(
        MultiAgencyAudit.objects.filter(dates_in_year(year, "planned_date"))
        .annotate(case_count=Count("cases", distinct=True), agency_count=Count("agencies", distinct=True))
        .order_by("planned_date", "pk")
    )
    grades: dict[int, Counter] = defaultdict(Counter)
    for audit_id, grade, n in (
        AuditAgencyReturn.objects.filter(case__audit__in=items)
        .values_list("case__audit_id", "grade")
        .annotate(n=Count("pk"))
    ):
        grades[audit_id][grade] = n
    findings: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"STRENGTH": [], "IMPROVEMENT": []})
    for finding in AuditFinding.objects.filter(audit__in=items).order_by("pk"):
        findings[finding.audit_id][finding.kind].append(finding.text)
    total: Counter = Counter()
    rows = []
    for item in items:
        total.update(grades[item.pk])
        rows.append(
            {
                "title": item.title,
                "tool": item.get_tool_display(),
                "theme": Theme(t).label if (t := _tool_theme(item.tool)) else "",
                "month": item.planned_date.strftime("%B %Y"),
                "status": item.get_status_display(),
                "complete": item.status == AuditStatus.COMPLETE,
                "cases": item.case_count,
                "agencies": item.agency_count,
                "grades": {g: grades[item.pk][g] for g in Grade.values},
                "returns": sum(grades[item.pk].values()),
                "strengths": findings[item.pk]["STRENGTH"],
                "improvements": findings[item.pk]["IMPROVEMENT"],
                "learning": item.learning,
            }
        )
    return {
        "audits": rows,
        "completed": sum(1 for r in rows if r["complete"]),
        "cases": sum(r["cases"] for r in rows),
        "grades": [(Grade(g).label, total[g]) for g in Grade.values],
        "returns": sum(total.values()),
    }


def _tool_theme(tool: str) -> str:
    from safehub.partnership.models import AUDIT_TOOL_THEMES

    return AUDIT_TOOL_THEMES.get(tool, "")


def learning(*, year: str) -> dict:
    """Count the year's training: events held, people who attended by sector and agency, evaluation.

    An attendee is a booking marked attended at an event held in the year. Evaluation is the
    attendees' 1-5 usefulness rating; "found it useful" is a rating of 4 or 5.
    """
    events = TrainingEvent.objects.filter(in_year(year, "starts_at"))
    attended = TrainingAttendance.objects.filter(event__in=events, attended=True)
    by_kind = dict(attended.values_list("agency__kind").annotate(n=Count("pk")))
    sectors: Counter = Counter()
    for kind, n in by_kind.items():
        sectors[SECTORS.get(kind, "Other")] += n
    agencies = list(attended.values_list("agency__name").annotate(n=Count("pk")).order_by("-n", "agency__name")[:10])
    rated = attended.filter(usefulness__isnull=False)
    ratings: list[int] = [r for r in rated.values_list("usefulness", flat=True) if r is not None]
    checks = TrainingQualityCheck.objects.filter(dates_in_year(year, "checked_date"))
    courses = list(
        events.values_list("course__title").annotate(n=Count("pk", distinct=True)).order_by("-n", "course__title")[:8]
    )
    briefings = Briefing.objects.filter(in_year(year, "published_at"))
    return {
        "events": events.count(),
        "courses": events.values("course").distinct().count(),
        "booked": TrainingAttendance.objects.filter(event__in=events).count(),
        "attended": attended.count(),
        "sectors": [(s, sectors[s]) for s in [*SECTOR_ORDER, "Other"] if sectors[s]],
        "agencies": agencies,
        "top_courses": courses,
        "evaluations": len(ratings),
        "useful_pct": round(100 * sum(1 for r in ratings if r >= 4) / len(ratings), 1) if ratings else None,
        "mean_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "quality_checks": checks.count(),
        "quality_checks_passed": sum(1 for c in checks if c.passed),
        "briefings": briefings.count(),
        "briefing_reads": BriefingRead.objects.filter(briefing__in=briefings).count(),
    }


def self_assessments(*, year: str) -> list[dict]:
    """Return each of the year's cycles: returns in, ratings, key strengths and emerging themes.

    A key strength is a standard that at least 90% of the returns rated "met"; an emerging theme a
    standard that at least 25% rated "partly met" or "not met" (the weakest first).
    """
    out = []
    for cycle in SelfAssessmentCycle.objects.filter(year=year).order_by("kind"):
        returns = SelfAssessmentReturn.objects.filter(cycle=cycle)
        submitted = returns.filter(submitted_at__isnull=False)
        due = datetime.combine(cycle.due_date + timedelta(days=1), time.min, tzinfo=UK)
        per_standard: dict[str, Counter] = defaultdict(Counter)
        for standard, rating, n in (
            SelfAssessmentRating.objects.filter(self_assessment__cycle=cycle)
            .values_list("standard", "rating")
            .annotate(n=Count("pk"))
        ):
            per_standard[standard][rating] = n
        names = dict(cycle.standards)
        rows, strengths, themes = [], [], []
        for code, text in cycle.standards:
            c = per_standard[code]
            total = sum(c.values())
            met_pct = round(100 * c[Rating.MET] / total, 1) if total else None
            rows.append(
                {
                    "code": code,
                    "standard": text,
                    "met": c[Rating.MET],
                    "partly": c[Rating.PARTLY_MET],
                    "not_met": c[Rating.NOT_MET],
                    "met_pct": met_pct,
                }
            )
            if met_pct is not None and met_pct >= 90:
                strengths.append((met_pct, f"{code}: {names[code]}"))
            if met_pct is not None and 100 - met_pct >= 25:
                themes.append((met_pct, f"{code}: {names[code]}"))
        out.append(
            {
                "kind": cycle.get_kind_display(),
                "is_s11": cycle.kind == SelfAssessmentKind.SECTION_11,
                "cycle_year": cycle.get_cycle_year_display(),
                "due": cycle.due_date,
                "invited": returns.count(),
                "submitted": submitted.count(),
                "on_time": submitted.filter(submitted_at__lt=due).count(),
                "standards": rows,
                "strengths": [t for _, t in sorted(strengths, key=lambda x: (-x[0], x[1]))],
                "themes": [t for _, t in sorted(themes)],
                "summary": cycle.themes_summary,
            }
        )
    return out


def escalations(*, year: str, as_of: date) -> dict:
    """Count professional differences raised in the year: stage reached, outcome, working days to resolve."""
    items = list(Escalation.objects.filter(in_year(year, "raised_at")).select_related("raised_by_agency"))
    resolved = [e for e in items if e.resolved_at is not None]
    days = [working_days_between(e.raised_at, e.resolved_at) for e in resolved if e.resolved_at]
    by_sector: Counter = Counter(SECTORS.get(e.raised_by_agency.kind, "Other") for e in items)
    return {
        "raised": len(items),
        "stages": [(f"Stage {s}", sum(1 for e in items if e.stage == s)) for s in (1, 2, 3, 4)],
        "outcomes": [
            (label, sum(1 for e in resolved if e.outcome == code)) for code, label in Escalation.Outcome.choices
        ],
        "resolved": len(resolved),
        "open": sum(1 for e in items if e.resolved_at is None or uk_date(e.resolved_at) > year_end(year, as_of)),
        "median_days": median(days) if days else None,
        "by_sector": [(s, by_sector[s]) for s in [*SECTOR_ORDER, "Other"] if by_sector[s]],
    }


def subgroups(*, year: str, as_of: date) -> list[dict]:
    """What each sub-group did in the year, counted from the records of the work it owns.

    Each group's meetings (held, attendance, decisions, actions) come from its meeting records;
    its other activity is the work recorded in its part of the partnership app (the practice
    review group's reviews, the practice and performance improvement group's audits, the learning
    and development group's training).
    """
    met = meetings_summary(year=year, as_of=as_of)
    reviews = practice_reviews(year=year, as_of=as_of)
    counts = reviews["counts"]
    audit = audits(year=year)
    train = learning(year=year)
    cycles = self_assessments(year=year)
    s175 = [c for c in cycles if not c["is_s11"]]
    s11 = [c for c in cycles if c["is_s11"]]

    def both(key: str) -> int:
        return counts["adults"][key] + counts["children"][key]

    decided = sum(both(k) for k in ("statutory", "dardr", "local", "thematic", "no_review"))
    return [
        {
            "name": "Practice review group",
            "items": [
                *met[SubGroup.PRACTICE_REVIEW],
                ("Referrals considered", both("referrals")),
                ("Decisions made", decided),
                ("Rapid reviews held", both("rapid_reviews")),
                ("Reviews published", both("published")),
                ("Assurance checks completed", both("assurance")),
                ("Review actions completed", reviews["actions"]["completed"]),
            ],
        },
        {
            "name": "Practice and performance improvement group",
            "items": [
                *met[SubGroup.PERFORMANCE],
                ("Multi-agency audits", len(audit["audits"])),
                ("Audits completed", audit["completed"]),
                ("Cases audited", audit["cases"]),
                ("Agency returns graded", audit["returns"]),
                ("Audit actions completed", actions_summary(year=year, as_of=as_of, source="audit")["completed"]),
            ],
        },
        {
            "name": "Learning and development group",
            "items": [
                *met[SubGroup.LEARNING],
                ("Training events held", train["events"]),
                ("Practitioners trained", train["attended"]),
                ("Briefings published", train["briefings"]),
                ("Course quality checks", train["quality_checks"]),
            ],
        },
        {
            "name": "Education sub-group",
            "items": [
                *met[SubGroup.EDUCATION],
                ("Section 175 returns received", sum(c["submitted"] for c in s175)),
                ("Schools asked for a return", sum(c["invited"] for c in s175)),
            ],
        },
        {"name": "Partnership executive", "items": met[SubGroup.EXECUTIVE]},
        {
            "name": "Section 11 (all partners)",
            "items": [
                ("Section 11 returns received", sum(c["submitted"] for c in s11)),
                ("Agencies asked for a return", sum(c["invited"] for c in s11)),
                (
                    "Self-assessment actions completed",
                    actions_summary(year=year, as_of=as_of, source="self_assessment")["completed"],
                ),
            ],
        },
    ]


def meeting_decisions(*, year: str, per_group: int = 4) -> dict[str, list[str]]:
    """The latest decisions each sub-group recorded in the year (newest first), for the report's text."""
    out: dict[str, list[str]] = defaultdict(list)
    labels = dict(SubGroup.choices)
    for group, text in (
        SubGroupMeeting.objects.filter(in_year(year, "held_at")).order_by("-held_at").values_list("group", "decisions")
    ):
        for line in text.splitlines():
            line = line.strip()
            if line and line not in out[labels[group]] and len(out[labels[group]]) < per_group:
                out[labels[group]].append(line)
    return dict(out)


def priorities(*, year: str) -> list[dict]:
    """For each strategic priority, the year's work recorded against it.

    A referral counts for a priority when one of its themes serves that priority
    (``THEME_PRIORITY``); audits and courses carry their priority; briefings count by theme.
    """
    from safehub.partnership.models import THEME_PRIORITY, Priority

    referrals: Counter = Counter()
    for themes in CaseReview.objects.filter(in_year(year, "referred_at")).values_list("themes", flat=True):
        referrals.update({THEME_PRIORITY[t] for t in themes or [] if t in THEME_PRIORITY})
    audits_by = Counter(
        dict(
            MultiAgencyAudit.objects.filter(dates_in_year(year, "planned_date"))
            .exclude(priority="")
            .values_list("priority")
            .annotate(n=Count("pk"))
        )
    )
    events = TrainingEvent.objects.filter(in_year(year, "starts_at")).exclude(course__priority="")
    events_by = Counter(dict(events.values_list("course__priority").annotate(n=Count("pk"))))
    trained_by = Counter(
        dict(
            TrainingAttendance.objects.filter(event__in=events, attended=True)
            .values_list("event__course__priority")
            .annotate(n=Count("pk"))
        )
    )
    briefings: Counter = Counter(
        THEME_PRIORITY[t]
        for t in Briefing.objects.filter(in_year(year, "published_at")).values_list("theme", flat=True)
        if t in THEME_PRIORITY
    )
    return [
        {
            "priority": label,
            "referrals": referrals[code],
            "audits": audits_by[code],
            "events": events_by[code],
            "trained": trained_by[code],
            "briefings": briefings[code],
        }
        for code, label in Priority.choices
    ]
