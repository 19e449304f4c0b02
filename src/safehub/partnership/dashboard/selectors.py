"""The partnership dashboard (executive and scrutineer): reviews, actions, findings, training, priorities."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from statistics import median

from django.db.models import Count, Q

from safehub.core import policy
from safehub.core.calendar import uk_date, working_days_between
from safehub.partnership.actions.selectors import notifications_for_user
from safehub.partnership.learning.selectors import training_overview
from safehub.partnership.models import (
    AUDIT_TOOL_THEMES,
    OPEN_STAGES,
    THEME_PRIORITY,
    Action,
    ActionStatus,
    AuditFinding,
    Briefing,
    CaseReview,
    Escalation,
    MultiAgencyAudit,
    Priority,
    ReviewStage,
    SelfAssessmentCycle,
    Theme,
    TrainingAttendance,
    TrainingCourse,
)
from safehub.partnership.reviews.selectors import review_row


def _priority_of_review(review: CaseReview) -> set[str]:
    return {THEME_PRIORITY[t] for t in review.themes if t in THEME_PRIORITY}


def dashboard(*, user, now: datetime) -> dict:
    """Everything the executive and the scrutineer look at, prepared in one place."""
    policy.require(user, "partnership.view")
    today = uk_date(now)
    reviews = list(CaseReview.objects.select_related("referring_agency", "assurance_check"))
    rows = [review_row(r, now) for r in reviews]
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
