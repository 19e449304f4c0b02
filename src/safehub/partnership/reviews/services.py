"""Actions that change case reviews; each checks access and writes its audit row."""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from safehub.agencies.models import Agency, AgencyKind
from safehub.core import audit
from safehub.core.actors import SCHEDULER
from safehub.core.calendar import due_after_working_days, uk_date
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.core.timescales import timescale
from safehub.partnership.actions.services import notify
from safehub.partnership.models import (
    REVIEW_TRANSITIONS,
    AssuranceCheck,
    CaseReview,
    CaseReviewPerson,
    CaseReviewStageChange,
    ReviewDecision,
    ReviewStage,
    ReviewSubject,
)
from safehub.people import policy

ASSURANCE_MONTHS = 6

# Schedules a published review's assurance check on the task queue (after commit). PartnershipConfig.ready()
# hands in partnership.tasks.schedule_assurance_check: the tasks run these services, so the services do
# not import the task module back.
assurance_check_scheduler: Callable[[AssuranceCheck], object] | None = None


# Decisions that can be commissioned as a multi-agency review (straight away or after a rapid review).
COMMISSIONABLE = frozenset(
    {ReviewDecision.CSPR, ReviewDecision.SAR, ReviewDecision.DARDR, ReviewDecision.LOCAL_LEARNING}
)


# Decisions that end the referral without a commissioned review.
CLOSING_DECISIONS = frozenset({ReviewDecision.NO_REVIEW, ReviewDecision.SINGLE_AGENCY, ReviewDecision.THEMATIC})


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def _next_reference(learned: date) -> str:
    year = learned.year
    taken = CaseReview.objects.filter(reference__startswith=f"PRG-{year}-").count()
    return f"PRG-{year}-{taken + 1:02d}"


@transaction.atomic
def review_refer(
    *,
    by,
    now: datetime,
    title: str,
    subject: str,
    summary: str,
    learned_at: datetime,
    notifiable: bool = False,
    incident_date: date | None = None,
    themes: Iterable[str] = (),
    referring_agency: Agency | None = None,
) -> CaseReview:
    """Refer a case to the practice review group; a notifiable incident starts the 5-working-day clock."""
    membership = policy.require(by, "partnership.contribute")
    if referring_agency is not None and referring_agency.pk != membership.agency_id:
        # Only the partnership team records a referral on another agency's behalf.
        policy.require(by, "partnership.manage")
    if learned_at > now:
        raise ValidationError({"learned_at": "The date the partnership learned of it cannot be in the future"})
    review = CaseReview(
        reference=_next_reference(uk_date(learned_at)),
        title=title.strip(),
        subject=subject,
        summary=summary.strip(),
        referring_agency=referring_agency or membership.agency,
        referred_by=by,
        referred_at=now,
        incident_date=incident_date,
        learned_at=learned_at,
        notifiable=notifiable,
        themes=sorted(set(themes)),
        stage=ReviewStage.REFERRED,
        stage_changed_at=now,
    )
    if notifiable:
        review.notification_due_at = due_after_working_days(
            learned_at, timescale("serious_incident_notification_working_days")
        )
    review.full_clean()
    review.save()
    CaseReviewStageChange.objects.create(
        review=review, from_stage="", to_stage=ReviewStage.REFERRED, changed_at=now, changed_by=by
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=review, at=now)
    return review


@transaction.atomic
def review_link_person(*, review: CaseReview, person, role: str, by, now: datetime, harm: str = "") -> CaseReviewPerson:
    """Link a person's record to the review, or change how a linked person is described.

    Only someone who may open the record can link it. ``harm`` (``SeriousHarm``: the Care Act s44
    condition the adult's case met) is for the subject of a safeguarding adults review only.
    """
    policy.require(by, "partnership.contribute")
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")
    if harm and (role != CaseReviewPerson.Role.SUBJECT or review.subject != ReviewSubject.ADULT):
        raise ValidationError({"harm": "Say what happened only for the adult a safeguarding adults review is about"})
    link = CaseReviewPerson(review=review, person=person, role=role, harm=harm)
    link.full_clean(validate_constraints=False)
    existing = CaseReviewPerson.objects.select_for_update().filter(review=review, person=person).first()
    if existing is None:
        link.save()
        audit.record(
            actor=by, action=AuditAction.UPDATE, subject=review, person_id=person.pk, at=now, details={"linked": role}
        )
        return link
    if (existing.role, existing.harm) != (role, harm):
        details = {"linked": role, "harm": harm, "was": {"role": existing.role, "harm": existing.harm}}
        existing.role, existing.harm = role, harm
        existing.save(update_fields=["role", "harm"])
        audit.record(actor=by, action=AuditAction.UPDATE, subject=review, person_id=person.pk, at=now, details=details)
    return existing


@transaction.atomic
def review_record_notification(*, review: CaseReview, notified_at: datetime, by, now: datetime) -> CaseReview:
    """Record the serious incident notification; the rapid review is due 15 working days later."""
    policy.require(by, "partnership.manage")
    if not review.notifiable:
        raise ValidationError("This referral is not a notifiable incident")
    if review.notified_at is not None:
        raise ValidationError("The notification has already been recorded")
    if notified_at > now or notified_at < review.learned_at:
        raise ValidationError({"notified_at": "The notification must be after the partnership learned of it"})
    review.notified_at = notified_at
    review.rapid_review_due_at = due_after_working_days(notified_at, timescale("rapid_review_working_days"))
    review.full_clean()
    review.save(update_fields=["notified_at", "rapid_review_due_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"notified": True})
    return review


def _move(review: CaseReview, to_stage: str, *, by, now: datetime, note: str = "") -> None:
    """Move the review one step, refusing any move the stage machine does not allow."""
    allowed = REVIEW_TRANSITIONS.get(review.stage, frozenset())
    if to_stage not in allowed:
        raise ValidationError(
            f"A review cannot move from {ReviewStage(review.stage).label} to {ReviewStage(to_stage).label}"
        )
    CaseReviewStageChange.objects.create(
        review=review, from_stage=review.stage, to_stage=to_stage, changed_at=now, changed_by=by, note=note
    )
    review.stage, review.stage_changed_at = to_stage, now
    if to_stage == ReviewStage.CLOSED:
        review.closed_at = now


def _save_review(review: CaseReview, expected_version: int | None = None) -> None:
    review.full_clean()
    fields = {f.attname: getattr(review, f.attname) for f in review._meta.concrete_fields if not f.primary_key}
    fields.pop("version")
    qs = CaseReview.objects.filter(pk=review.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if not qs.update(version=F("version") + 1, **fields):
        raise StaleEdit(CaseReview.objects.values_list("version", flat=True).get(pk=review.pk))
    review.version = CaseReview.objects.values_list("version", flat=True).get(pk=review.pk)


@transaction.atomic
def review_decide(
    *, review: CaseReview, decision: str, rationale: str, by, now: datetime, expected_version: int | None = None
) -> CaseReview:
    """Record the practice review group's decision and its rationale.

    A rapid review decision starts the rapid review; "no review", single-agency learning and
    "part of a thematic review" close the referral; the others wait to be commissioned.
    """
    policy.require(by, "partnership.manage")
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"decision_rationale": "Give the rationale for the decision"})
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Choose a decision"})
    if decision == ReviewDecision.RAPID_REVIEW and review.subject != ReviewSubject.CHILD:
        raise ValidationError({"decision": "Rapid reviews are for serious child safeguarding incidents"})
    if decision == ReviewDecision.CSPR and review.subject != ReviewSubject.CHILD:
        raise ValidationError({"decision": "A child safeguarding practice review is about a child"})
    if decision == ReviewDecision.SAR and review.subject != ReviewSubject.ADULT:
        raise ValidationError({"decision": "A safeguarding adult review is about an adult"})
    _move(review, ReviewStage.DECIDED, by=by, now=now, note=ReviewDecision(decision).label)
    review.decision, review.decision_rationale = decision, rationale
    review.decided_at, review.decided_by = now, by
    if decision == ReviewDecision.RAPID_REVIEW:
        _move(review, ReviewStage.RAPID_REVIEW, by=by, now=now)
    elif decision in CLOSING_DECISIONS:
        _move(review, ReviewStage.CLOSED, by=by, now=now, note=ReviewDecision(decision).label)
    _save_review(review, expected_version)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"decision": decision})
    return review


@transaction.atomic
def review_complete_rapid_review(
    *, review: CaseReview, recommendation: str, rationale: str, by, now: datetime
) -> CaseReview:
    """Record the rapid review's outcome: commission a CSPR or local learning review, or close."""
    policy.require(by, "partnership.manage")
    if review.stage != ReviewStage.RAPID_REVIEW:
        raise ValidationError("The review is not at the rapid review stage")
    if recommendation not in COMMISSIONABLE | CLOSING_DECISIONS or recommendation == ReviewDecision.SAR:
        raise ValidationError({"decision": "Choose what the rapid review recommends"})
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"decision_rationale": "Give the rationale"})
    review.rapid_review_completed_at = now
    review.decision = recommendation
    review.decision_rationale = f"{review.decision_rationale}\n\nRapid review: {rationale}".strip()
    if recommendation in CLOSING_DECISIONS:
        _move(review, ReviewStage.CLOSED, by=by, now=now, note=f"Rapid review: {rationale}")
    else:
        CaseReviewStageChange.objects.create(
            review=review,
            from_stage=review.stage,
            to_stage=review.stage,
            changed_at=now,
            changed_by=by,
            note=f"Rapid review completed: {ReviewDecision(recommendation).label}",
        )
    _save_review(review)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"rapid_review": recommendation})
    return review


@transaction.atomic
def review_commission(*, review: CaseReview, reviewer: str, by, now: datetime) -> CaseReview:
    """Commission the review (after the decision, or after a completed rapid review)."""
    policy.require(by, "partnership.manage")
    if review.decision not in COMMISSIONABLE:
        raise ValidationError(
            "Only a practice review, adult review, death review or local learning review is commissioned"
        )
    if review.stage == ReviewStage.RAPID_REVIEW and review.rapid_review_completed_at is None:
        raise ValidationError("Record the rapid review's outcome first")
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise ValidationError({"reviewer": "Name the reviewer"})
    _move(review, ReviewStage.COMMISSIONED, by=by, now=now, note=reviewer)
    review.reviewer, review.commissioned_at = reviewer, now
    _save_review(review)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"stage": review.stage})
    return review


@transaction.atomic
def review_move(*, review: CaseReview, to_stage: str, by, now: datetime, note: str = "") -> CaseReview:
    """Move a review along its stages (in progress, draft, approved, closed without publication)."""
    policy.require(by, "partnership.manage")
    if to_stage in {ReviewStage.DECIDED, ReviewStage.RAPID_REVIEW, ReviewStage.COMMISSIONED}:
        raise ValidationError("Record the decision, the rapid review or the commission instead")
    if to_stage in {ReviewStage.PUBLISHED, ReviewStage.ASSURANCE_DUE}:
        raise ValidationError("Publish the review, or let the assurance check fall due")
    if to_stage == ReviewStage.CLOSED and review.stage == ReviewStage.ASSURANCE_DUE:
        raise ValidationError("Complete the assurance check to close the review")
    _move(review, to_stage, by=by, now=now, note=note)
    _save_review(review)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"stage": to_stage})
    return review


@transaction.atomic
def review_publish(*, review: CaseReview, by, now: datetime, publication_url: str = "") -> AssuranceCheck:
    """Publish the approved review and schedule the assurance check six months later."""
    policy.require(by, "partnership.manage")
    _move(review, ReviewStage.PUBLISHED, by=by, now=now)
    review.published_at, review.publication_url = now, publication_url
    _save_review(review)
    check = AssuranceCheck.objects.create(review=review, due_date=add_months(uk_date(now), ASSURANCE_MONTHS))
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"stage": "PUBLISHED"})
    if assurance_check_scheduler is None:
        raise ImproperlyConfigured("No task queue for the assurance checks: PartnershipConfig.ready() hands it in")
    scheduler = assurance_check_scheduler
    transaction.on_commit(lambda: scheduler(check))
    return check


@transaction.atomic
def review_update(
    *,
    review: CaseReview,
    by,
    now: datetime,
    expected_version: int,
    themes: Iterable[str],
    family_involvement: str,
    family_involvement_note: str = "",
) -> CaseReview:
    """Change the review's themes and the record of the family's involvement."""
    policy.require(by, "partnership.manage")
    review.themes = sorted(set(themes))
    review.family_involvement = family_involvement
    review.family_involvement_note = (family_involvement_note or "").strip()
    _save_review(review, expected_version)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"fields": ["themes"]})
    return review


def assurance_checks_fall_due(*, now: datetime, check_ids: Iterable[int] | None = None) -> int:
    """Move published reviews whose assurance check is due to 'assurance due' and tell the partnership.

    Run by the deferred task and by the daily ``partnership_chase`` sweep; safe to run repeatedly.
    """
    today = uk_date(now)
    qs = AssuranceCheck.objects.filter(
        due_date__lte=today, completed_at__isnull=True, review__stage=ReviewStage.PUBLISHED
    ).select_related("review")
    if check_ids is not None:
        qs = qs.filter(pk__in=list(check_ids))
    moved = 0
    partnership_agencies = list(Agency.objects.filter(kind=AgencyKind.PARTNERSHIP, is_active=True))
    for check in qs:
        with transaction.atomic():
            review = check.review
            # The move is the scheduler's, a named system actor: the audit row says so.
            _move(review, ReviewStage.ASSURANCE_DUE, by=None, now=now, note="Six months since publication (scheduler)")
            _save_review(review)
            audit.record(
                actor=SCHEDULER, action=AuditAction.UPDATE, subject=review, at=now, details={"stage": review.stage}
            )
            for agency in partnership_agencies:
                notify(
                    agency,
                    f"Assurance check due for review {review.reference} {review.title}",
                    key=f"assurance-due:{check.pk}:{agency.pk}",
                    url=f"/partnership/reviews/{review.pk}/",
                    now=now,
                )
            moved += 1
    return moved


@transaction.atomic
def assurance_check_complete(
    *, check: AssuranceCheck, learning_embedded: bool, outcome: str, by, now: datetime
) -> AssuranceCheck:
    """Record the six-month assurance check and close the review."""
    policy.require(by, "partnership.manage")
    review = check.review
    if review.stage != ReviewStage.ASSURANCE_DUE:
        raise ValidationError("The assurance check is not due yet")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Say what the assurance check found"})
    check.completed_at, check.completed_by = now, by
    check.learning_embedded, check.outcome = learning_embedded, outcome
    check.full_clean()
    check.save()
    _move(review, ReviewStage.CLOSED, by=by, now=now, note="Assurance check completed")
    _save_review(review)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=check, at=now)
    return check
