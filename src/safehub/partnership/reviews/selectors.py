"""Reads of case reviews, access-checked, as plain data for pages (CONVENTIONS 4, 5)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404

from safehub.core.calendar import uk_date
from safehub.partnership.actions.selectors import recommendation_rows
from safehub.partnership.models import (
    REVIEW_TRANSITIONS,
    AssuranceCheck,
    CaseReview,
    ReviewStage,
)
from safehub.people import policy


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


def review_row(review: CaseReview, now: datetime) -> dict:
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
    rows = [review_row(r, now) for r in qs]
    return [r for r in rows if r["late"]] if late_only else rows


def review_get(*, user, review_id: int) -> CaseReview:
    policy.require(user, "partnership.view")
    review = CaseReview.objects.select_related("referring_agency", "decided_by", "referred_by").filter(pk=review_id)
    found = review.first()
    if found is None:
        raise Http404
    return found


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
                "harm": link.get_harm_display() if link.harm else "",
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
        "recommendations": recommendation_rows(review.recommendations.all(), user=user, today=today),
        "briefings": list(review.briefings.values("id", "title", "published_at")),
        "can_manage": policy.can(user, "partnership.manage"),
    }


def reviews_awaiting_decision(*, now: datetime) -> int:
    return CaseReview.objects.filter(stage=ReviewStage.REFERRED).count()
