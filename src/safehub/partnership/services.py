"""Actions that change the partnership's assurance records; each checks access and writes its audit row.

Access: ``partnership.manage`` (the partnership business unit) runs reviews, audits, training and
cycles; ``partnership.contribute`` lets every member agency do its own part (refer a case, answer
audit questions for its agency, update its own actions, submit its own self-assessment). The
"its own" refinement is checked here with ``_require_own_agency`` because it compares the
record's agency with the user's, which ``policy.ROLE_RULES`` cannot express.
"""

from __future__ import annotations

import calendar as month_calendar
import random
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from safehub.agencies.models import Agency, AgencyKind
from safehub.core import audit, policy
from safehub.core.actors import SCHEDULER
from safehub.core.calendar import due_after_working_days, uk_date
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.core.timescales import timescale
from safehub.partnership import selectors
from safehub.partnership.models import (
    AUDIT_QUESTIONS,
    REVIEW_TRANSITIONS,
    Action,
    ActionStatus,
    AssuranceCheck,
    Attendance,
    AuditAgencyReturn,
    AuditCase,
    AuditFinding,
    AuditStatus,
    Briefing,
    BriefingRead,
    CaseReview,
    CaseReviewPerson,
    CaseReviewStageChange,
    Escalation,
    Inspection,
    MeetingAction,
    MeetingAttendance,
    MultiAgencyAudit,
    Notification,
    PartnerContribution,
    PublishedReport,
    PublishedReportFile,
    Rating,
    Recommendation,
    ReportStage,
    ReviewDecision,
    ReviewStage,
    ReviewSubject,
    SectionStatus,
    SelfAssessmentCycle,
    SelfAssessmentRating,
    SelfAssessmentReturn,
    SubGroupMeeting,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
    TrainingQualityCheck,
    YearlyReportComment,
    YearlyReportDraft,
    YearlyReportSectionLead,
)

ASSURANCE_MONTHS = 6
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


def _require_own_agency(by, agency_id: int, permission: str = "partnership.contribute") -> None:
    """Let the partnership manager act for any agency, and a member only for its own."""
    if policy.can(by, "partnership.manage"):
        return
    membership = policy.require(by, permission)
    if membership.agency_id != agency_id:
        raise PermissionDenied("You can only update your own agency's part")


def _agency_of(by) -> Agency:
    membership = policy.membership_for_user(by)
    if membership is None:
        raise PermissionDenied("not a member of an agency")
    return membership.agency


# ---------------------------------------------------------------------------------------------
# Case reviews
# ---------------------------------------------------------------------------------------------


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
def review_link_person(*, review: CaseReview, person, role: str, by, now: datetime) -> CaseReviewPerson:
    """Link a person's record to the review; only someone who may open the record can link it."""
    policy.require(by, "partnership.contribute")
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")
    link = CaseReviewPerson(review=review, person=person, role=role)
    link.full_clean(validate_constraints=False)
    link, created = CaseReviewPerson.objects.get_or_create(review=review, person=person, defaults={"role": role})
    if created:
        audit.record(
            actor=by, action=AuditAction.UPDATE, subject=review, person_id=person.pk, at=now, details={"linked": role}
        )
    return link


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
    from safehub.partnership.tasks import schedule_assurance_check

    transaction.on_commit(lambda: schedule_assurance_check(check))
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
                _notify(
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


# ---------------------------------------------------------------------------------------------
# Inspections, recommendations, actions, notifications
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def inspection_record(*, by, now: datetime, **fields) -> Inspection:
    policy.require(by, "partnership.manage")
    inspection = Inspection(**fields)
    inspection.full_clean()
    inspection.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=inspection, at=now)
    return inspection


@transaction.atomic
def recommendation_add(
    *,
    by,
    now: datetime,
    text: str,
    review: CaseReview | None = None,
    audit_record: MultiAgencyAudit | None = None,
    inspection: Inspection | None = None,
    self_assessment: SelfAssessmentReturn | None = None,
    kind: str = Recommendation.Kind.RECOMMENDATION,
    made_by: str = "",
    lead_agency: Agency | None = None,
) -> Recommendation:
    """Add a recommendation to exactly one source; it is numbered within that source."""
    policy.require(by, "partnership.manage")
    sources = {"review": review, "audit": audit_record, "inspection": inspection, "self_assessment": self_assessment}
    given = {k: v for k, v in sources.items() if v is not None}
    if len(given) != 1:
        raise ValidationError("A recommendation comes from exactly one review, audit, inspection or return")
    number = Recommendation.objects.filter(**given).count() + 1
    rec = Recommendation(
        **given, number=number, kind=kind, text=text.strip(), made_by=made_by, lead_agency=lead_agency, created_at=now
    )
    rec.full_clean()
    rec.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=rec, at=now)
    return rec


@transaction.atomic
def action_add(
    *,
    recommendation: Recommendation,
    description: str,
    agency: Agency,
    owner_name: str,
    due_date: date,
    by,
    now: datetime,
) -> Action:
    """Give an agency an action towards a recommendation."""
    policy.require(by, "partnership.manage")
    action = Action(
        recommendation=recommendation,
        description=description.strip(),
        agency=agency,
        owner_name=owner_name.strip(),
        due_date=due_date,
        updated_at=now,
    )
    action.full_clean()
    action.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=action, at=now)
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    status: str,
    evidence: str,
    by,
    now: datetime,
    expected_version: int,
    owner_name: str | None = None,
    due_date: date | None = None,
) -> Action:
    """Update an action's status and evidence (its own agency, or the partnership manager).

    Only the partnership manager may move a due date: agencies report progress, they do not
    extend their own deadlines.
    """
    _require_own_agency(by, action.agency_id)
    if due_date is not None and due_date != action.due_date:
        policy.require(by, "partnership.manage")
        action.due_date = due_date
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose a status"})
    action.status = status
    action.evidence = (evidence or "").strip()
    if owner_name is not None:
        action.owner_name = owner_name.strip()
    if status == ActionStatus.COMPLETE:
        if not action.evidence:
            raise ValidationError({"evidence": "Give the evidence that the action is complete"})
        action.completed_date = action.completed_date or uk_date(now)
    else:
        action.completed_date = None
    action.updated_at = now
    action.full_clean()
    updated = Action.objects.filter(pk=action.pk, version=expected_version).update(
        version=F("version") + 1,
        status=action.status,
        evidence=action.evidence,
        owner_name=action.owner_name,
        due_date=action.due_date,
        completed_date=action.completed_date,
        updated_at=now,
    )
    if not updated:
        raise StaleEdit(Action.objects.values_list("version", flat=True).get(pk=action.pk))
    action.version = expected_version + 1
    audit.record(actor=by, action=AuditAction.UPDATE, subject=action, at=now, details={"status": status})
    return action


def _notify(agency: Agency, message: str, *, key: str, now: datetime, url: str = "") -> Notification | None:
    """Create the notification unless one with this key exists (returns None then)."""
    if Notification.objects.filter(dedupe_key=key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient_agency=agency, message=message[:300], url=url, dedupe_key=key, created_at=now
            )
    except IntegrityError:  # a concurrent run created it first
        return None


def actions_chase_overdue(*, now: datetime) -> list[Notification]:
    """Chase every overdue action: one notification to the owning agency per action per day."""
    today = uk_date(now)
    created: list[Notification] = []
    overdue = (
        Action.objects.filter(due_date__lt=today)
        .exclude(status=ActionStatus.COMPLETE)
        .select_related("agency", "recommendation")
    )
    for action in overdue:
        days = (today - action.due_date).days
        note = _notify(
            action.agency,
            f"Action overdue by {days} day{'s' if days != 1 else ''}: {action.description[:180]}",
            key=f"action-overdue:{action.pk}:{today.isoformat()}",
            url=f"/partnership/actions/{action.pk}/",
            now=now,
        )
        if note is not None:
            created.append(note)
    if created:
        with transaction.atomic():
            audit.record(
                actor=None,
                action=AuditAction.CREATE,
                at=now,
                object_type="partnership.Notification",
                details={"chased": len(created)},
            )
    return created


@transaction.atomic
def notification_mark_read(*, notification: Notification, by, now: datetime) -> Notification:
    _require_own_agency(by, notification.recipient_agency_id, "partnership.view")
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification


# ---------------------------------------------------------------------------------------------
# Multi-agency audits
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def audit_plan(
    *,
    title: str,
    tool: str,
    planned_date: date,
    by,
    now: datetime,
    priority: str = "",
    agencies: Iterable[Agency] = (),
) -> MultiAgencyAudit:
    """Plan a themed multi-agency audit and name the agencies that take part."""
    policy.require(by, "partnership.manage")
    item = MultiAgencyAudit(
        title=title.strip(), tool=tool, planned_date=planned_date, priority=priority, created_by=by, created_at=now
    )
    item.full_clean()
    item.save()
    item.agencies.set(list(agencies))
    audit.record(actor=by, action=AuditAction.CREATE, subject=item, at=now)
    return item


@transaction.atomic
def audit_draw_sample(
    *, audit_item: MultiAgencyAudit, criteria: selectors.SampleCriteria, size: int, by, now: datetime, seed: int = 0
) -> list[AuditCase]:
    """Draw the case sample by criteria (a fixed seed makes the draw reproducible)."""
    policy.require(by, "partnership.manage")
    if audit_item.cases.exists():
        raise ValidationError("The sample has already been drawn")
    people = selectors.sample_cases(selectors.people_matching(criteria), size=size, rng=random.Random(seed))
    if not people:
        raise ValidationError("No records match these criteria")
    cases = AuditCase.objects.bulk_create(
        [AuditCase(audit=audit_item, person=p, number=i) for i, p in enumerate(people, start=1)]
    )
    audit_item.sample_criteria = {**criteria.as_dict(), "size": size, "seed": seed}
    audit_item.status = AuditStatus.SAMPLED
    audit_item.save(update_fields=["sample_criteria", "status"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=audit_item, at=now, details={"sampled": len(cases)})
    return cases


@transaction.atomic
def audit_answer(
    *, case: AuditCase, answers: Mapping[str, str], grade: str, by, now: datetime, comments: str = ""
) -> AuditAgencyReturn:
    """Record the user's agency's answers for one sampled case (replacing its earlier answers)."""
    membership = policy.require(by, "partnership.contribute")
    item = case.audit
    if item.status == AuditStatus.COMPLETE:
        raise ValidationError("The audit is complete")
    if item.agencies.exists() and not item.agencies.filter(pk=membership.agency_id).exists():
        raise PermissionDenied("Your agency is not taking part in this audit")
    questions = [code for code, _ in AUDIT_QUESTIONS[item.tool]]
    missing = [q for q in questions if not (answers.get(q) or "").strip()]
    if missing:
        raise ValidationError(dict.fromkeys(missing, "Answer this question"))
    answer, _ = AuditAgencyReturn.objects.update_or_create(
        case=case,
        agency_id=membership.agency_id,
        defaults={
            "answers": {q: answers[q].strip() for q in questions},
            "grade": grade,
            "comments": comments.strip(),
            "submitted_at": now,
            "submitted_by": by,
        },
    )
    answer.full_clean()
    if item.status == AuditStatus.SAMPLED:
        item.status = AuditStatus.IN_PROGRESS
        item.save(update_fields=["status"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=answer, person_id=case.person_id, at=now)
    return answer


@transaction.atomic
def audit_finding_add(
    *, audit_item: MultiAgencyAudit, kind: str, theme: str, text: str, by, now: datetime
) -> AuditFinding:
    policy.require(by, "partnership.manage")
    finding = AuditFinding(audit=audit_item, kind=kind, theme=theme, text=text.strip())
    finding.full_clean()
    finding.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=finding, at=now)
    return finding


@transaction.atomic
def audit_complete(
    *, audit_item: MultiAgencyAudit, findings: str, learning: str, by, now: datetime
) -> MultiAgencyAudit:
    policy.require(by, "partnership.manage")
    if not (findings or "").strip():
        raise ValidationError({"findings": "Summarise the findings"})
    audit_item.findings, audit_item.learning = findings.strip(), (learning or "").strip()
    audit_item.status, audit_item.completed_at = AuditStatus.COMPLETE, now
    audit_item.full_clean()
    audit_item.save()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=audit_item, at=now, details={"status": "COMPLETE"})
    return audit_item


# ---------------------------------------------------------------------------------------------
# Learning and development
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def course_create(*, by, now: datetime, title: str, theme: str, priority: str = "", **fields) -> TrainingCourse:
    policy.require(by, "partnership.manage")
    course = TrainingCourse(title=title.strip(), theme=theme, priority=priority, **fields)
    course.full_clean()
    course.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=course, at=now)
    return course


@transaction.atomic
def event_schedule(
    *, course: TrainingCourse, starts_at: datetime, by, now: datetime, venue: str = "", capacity: int = 30
) -> TrainingEvent:
    policy.require(by, "partnership.manage")
    event = TrainingEvent(course=course, starts_at=starts_at, venue=venue, capacity=capacity)
    event.full_clean()
    event.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=event, at=now)
    return event


@transaction.atomic
def attendance_record(
    *,
    event: TrainingEvent,
    attendee_name: str,
    job_role: str,
    by,
    now: datetime,
    agency: Agency | None = None,
    usefulness: int | None = None,
    comment: str = "",
) -> TrainingAttendance:
    """Record an attendee and their evaluation; agencies record their own staff."""
    agency = agency or _agency_of(by)
    _require_own_agency(by, agency.pk)
    if event.attendances.count() >= event.capacity:
        raise ValidationError("The event is full")
    item = TrainingAttendance(
        event=event,
        agency=agency,
        attendee_name=attendee_name.strip(),
        job_role=job_role.strip(),
        usefulness=usefulness,
        comment=comment.strip(),
    )
    item.full_clean()
    item.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=item, at=now)
    return item


@transaction.atomic
def quality_check_record(
    *,
    course: TrainingCourse,
    reflects_legislation: bool,
    reflects_local_policy: bool,
    includes_review_learning: bool,
    by,
    now: datetime,
    note: str = "",
) -> TrainingQualityCheck:
    policy.require(by, "partnership.manage")
    check = TrainingQualityCheck(
        course=course,
        checked_date=uk_date(now),
        checked_by=by,
        reflects_legislation=reflects_legislation,
        reflects_local_policy=reflects_local_policy,
        includes_review_learning=includes_review_learning,
        note=note.strip(),
    )
    check.full_clean()
    check.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=check, at=now)
    return check


@transaction.atomic
def briefing_publish(
    *, title: str, theme: str, body: str, by, now: datetime, kind: str = Briefing.Kind.SEVEN_MINUTE, review=None
) -> Briefing:
    policy.require(by, "partnership.manage")
    briefing = Briefing(title=title.strip(), theme=theme, body=body.strip(), kind=kind, review=review, published_at=now)
    briefing.full_clean()
    briefing.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=briefing, at=now)
    return briefing


@transaction.atomic
def briefing_mark_read(*, briefing: Briefing, by, now: datetime) -> BriefingRead:
    """Record a read receipt (once per person)."""
    membership = policy.require(by, "partnership.view")
    receipt, created = BriefingRead.objects.get_or_create(
        briefing=briefing, user=by, defaults={"agency_id": membership.agency_id, "read_at": now}
    )
    if created:
        audit.record(actor=by, action=AuditAction.VIEW, subject=briefing, at=now)
    return receipt


# ---------------------------------------------------------------------------------------------
# Self-assessments (section 11 and section 175)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def cycle_open(
    *,
    kind: str,
    year: str,
    cycle_year: int,
    opens_date: date,
    due_date: date,
    agencies: Iterable[Agency],
    by,
    now: datetime,
) -> SelfAssessmentCycle:
    """Open a self-assessment round and ask each named agency for its return."""
    policy.require(by, "partnership.manage")
    cycle = SelfAssessmentCycle(kind=kind, year=year, cycle_year=cycle_year, opens_date=opens_date, due_date=due_date)
    cycle.full_clean()
    cycle.save()
    SelfAssessmentReturn.objects.bulk_create([SelfAssessmentReturn(cycle=cycle, agency=a) for a in agencies])
    audit.record(actor=by, action=AuditAction.CREATE, subject=cycle, at=now)
    return cycle


@transaction.atomic
def self_assessment_submit(
    *, sa_return: SelfAssessmentReturn, ratings: Mapping[str, tuple[str, str]], by, now: datetime
) -> SelfAssessmentReturn:
    """Submit an agency's ratings and evidence for every standard of the cycle."""
    _require_own_agency(by, sa_return.agency_id)
    standards = [code for code, _ in sa_return.cycle.standards]
    errors = {}
    for code in standards:
        rating, evidence = ratings.get(code, ("", ""))
        if rating not in Rating.values:
            errors[f"rating_{code}"] = "Choose a rating"
        elif rating != Rating.MET and not (evidence or "").strip():
            errors[f"evidence_{code}"] = "Say what is missing and what you will do"
    if errors:
        raise ValidationError(errors)
    for code in standards:
        rating, evidence = ratings[code]
        SelfAssessmentRating.objects.update_or_create(
            self_assessment=sa_return, standard=code, defaults={"rating": rating, "evidence": evidence.strip()}
        )
    sa_return.submitted_at, sa_return.submitted_by = now, by
    sa_return.save(update_fields=["submitted_at", "submitted_by"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=sa_return, at=now)
    return sa_return


# ---------------------------------------------------------------------------------------------
# Escalations
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def escalation_raise(
    *,
    raised_with_agency: Agency,
    raised_by_name: str,
    concern: str,
    by,
    now: datetime,
    raised_with_name: str = "",
    theme: str = "",
) -> Escalation:
    """Raise a professional difference with another agency (stage 1: practitioner to practitioner)."""
    membership = policy.require(by, "partnership.contribute")
    if raised_with_agency.pk == membership.agency_id:
        raise ValidationError({"raised_with_agency": "Raise it with another agency"})
    item = Escalation(
        raised_by_agency_id=membership.agency_id,
        raised_by_name=raised_by_name.strip(),
        raised_with_agency=raised_with_agency,
        raised_with_name=raised_with_name.strip(),
        concern=concern.strip(),
        theme=theme,
        raised_at=now,
    )
    item.full_clean()
    item.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=item, at=now)
    return item


def _require_party(by, item: Escalation) -> None:
    if policy.can(by, "partnership.manage"):
        return
    membership = policy.require(by, "partnership.contribute")
    if membership.agency_id not in {item.raised_by_agency_id, item.raised_with_agency_id}:
        raise PermissionDenied("Only the agencies involved can change this escalation")


@transaction.atomic
def escalation_escalate(*, escalation: Escalation, by, now: datetime, note: str = "") -> Escalation:
    """Take an unresolved difference to the next stage (4 is the partnership's senior leads)."""
    _require_party(by, escalation)
    if escalation.resolved_at is not None:
        raise ValidationError("The escalation is resolved")
    if escalation.stage >= 4:
        raise ValidationError("Stage 4 is the last stage")
    escalation.stage += 1
    escalation.full_clean()
    escalation.save(update_fields=["stage"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=escalation, at=now, details={"stage": escalation.stage})
    return escalation


@transaction.atomic
def escalation_resolve(*, escalation: Escalation, outcome: str, note: str, by, now: datetime) -> Escalation:
    _require_party(by, escalation)
    if escalation.resolved_at is not None:
        raise ValidationError("The escalation is already resolved")
    if outcome not in Escalation.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome"})
    escalation.outcome, escalation.outcome_note, escalation.resolved_at = outcome, (note or "").strip(), now
    escalation.full_clean()
    escalation.save(update_fields=["outcome", "outcome_note", "resolved_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=escalation, at=now, details={"outcome": outcome})
    return escalation


# ---------------------------------------------------------------------------------------------
# Finance
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def contribution_record(
    *,
    year: str,
    budget: str,
    partner: str,
    organisation_name: str,
    amount_gbp: int,
    by,
    now: datetime,
    in_kind: str = "",
    contribution: PartnerContribution | None = None,
    version: int | None = None,
) -> PartnerContribution:
    """Record (or correct) a partner's contribution to a budget for a year; the partnership team only."""
    policy.require(by, "partnership.manage")
    item = contribution or PartnerContribution()
    if contribution is not None and version is not None and contribution.version != version:
        raise StaleEdit(contribution.version)
    item.year, item.budget, item.partner = year.strip(), budget, partner
    item.organisation_name, item.amount_gbp, item.in_kind = organisation_name.strip(), amount_gbp, in_kind.strip()
    item.recorded_at, item.recorded_by = now, by
    if contribution is not None:
        item.version += 1
    item.full_clean()
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"organisation_name": "This organisation already has a contribution to that budget for that year"}
        ) from exc
    audit.record(
        actor=by, action=AuditAction.UPDATE if contribution is not None else AuditAction.CREATE, subject=item, at=now
    )
    return item


# ---------------------------------------------------------------------------------------------
# Sub-group meetings
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    group: str,
    held_at: datetime,
    chair_name: str,
    summary: str,
    decisions: str,
    present: Iterable[Agency],
    apologies: Iterable[Agency] = (),
    absent: Iterable[Agency] = (),
    by,
    now: datetime,
) -> SubGroupMeeting:
    """Record a sub-group meeting with who came, who sent apologies and what it decided."""
    policy.require(by, "partnership.manage")
    if held_at > now:
        raise ValidationError({"held_at": "A meeting is recorded once it has been held"})
    meeting = SubGroupMeeting(group=group, held_at=held_at, chair_name=chair_name.strip(), summary=summary.strip(),
                              decisions=decisions.strip(), recorded_at=now, recorded_by=by)  # fmt: skip
    meeting.full_clean()
    meeting.save()
    seen: set[int] = set()
    rows = []
    for status, agencies in ((Attendance.PRESENT, present), (Attendance.APOLOGIES, apologies),
                             (Attendance.ABSENT, absent)):  # fmt: skip
        for agency in agencies:
            if agency.pk in seen:
                raise ValidationError({"apologies": f"{agency.name} is listed twice"})
            seen.add(agency.pk)
            rows.append(MeetingAttendance(meeting=meeting, agency=agency, status=status))
    if not any(r.status == Attendance.PRESENT for r in rows):
        raise ValidationError({"present": "Say which agencies were present"})
    MeetingAttendance.objects.bulk_create(rows)
    audit.record(actor=by, action=AuditAction.CREATE, subject=meeting, at=now,
                 details={"group": group, "present": sum(r.status == Attendance.PRESENT for r in rows)})  # fmt: skip
    return meeting


@transaction.atomic
def meeting_action_add(
    *, meeting: SubGroupMeeting, description: str, agency: Agency, owner_name: str, due_date: date, by, now: datetime
) -> MeetingAction:
    """Give an agency an action from a meeting."""
    policy.require(by, "partnership.manage")
    if due_date < uk_date(meeting.held_at):
        raise ValidationError({"due_date": "An action cannot be due before the meeting that set it"})
    action = MeetingAction(meeting=meeting, description=description.strip(), agency=agency,
                           owner_name=owner_name.strip(), due_date=due_date)  # fmt: skip
    action.full_clean()
    action.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=action, at=now, details={"meeting": meeting.pk})
    return action


@transaction.atomic
def meeting_action_complete(*, action: MeetingAction, by, now: datetime) -> MeetingAction:
    """Mark a meeting's action done (the partnership team, or the agency that holds it)."""
    membership = policy.membership_for_user(by)
    own = membership is not None and membership.agency_id == action.agency_id
    if not (policy.can(by, "partnership.manage") or (own and policy.can(by, "partnership.contribute"))):
        raise PermissionDenied
    if action.completed_date is not None:
        raise ValidationError("This action is already complete")
    action.completed_date = uk_date(now)
    action.save(update_fields=["completed_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=action, at=now, details={"completed": True})
    return action


# ---------------------------------------------------------------------------------------------
# The yearly report's sign-off
# ---------------------------------------------------------------------------------------------


def _require_business_unit(draft: YearlyReportDraft, by) -> None:
    """The business unit prepares and publishes; the report's own scrutineer never does (independence)."""
    policy.require(by, "partnership.manage")
    if draft.scrutineer_id == by.pk:
        raise PermissionDenied("The independent scrutineer reviews and approves this report; others prepare it")


def _draft_stage(draft: YearlyReportDraft, *stages: str) -> None:
    if draft.stage not in stages:
        raise ValidationError(
            f"The {draft.year} report is {draft.get_stage_display().lower()}: that cannot be done now"
        )


@transaction.atomic
def report_draft_start(*, year: str, scrutineer, by, now: datetime) -> YearlyReportDraft:
    """Start the sign-off of a year's report, naming the independent scrutineer who will approve it."""
    policy.require(by, "partnership.manage")
    if scrutineer.pk == by.pk:
        raise ValidationError({"scrutineer": "The scrutineer must be independent of whoever prepares the report"})
    if not policy.can(scrutineer, "partnership.report_approve"):
        raise ValidationError({"scrutineer": "This person cannot approve the yearly report"})
    if YearlyReportDraft.objects.filter(year=year).exists():
        raise ValidationError({"year": f"The {year} report is already under way"})
    draft = YearlyReportDraft(year=year, scrutineer=scrutineer, started_by=by, started_at=now)
    draft.full_clean()
    draft.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=draft, at=now, details={"year": year})
    return draft


@transaction.atomic
def report_section_assign(*, draft: YearlyReportDraft, key: str, lead, by, now: datetime) -> YearlyReportSectionLead:
    """Give a section of the report to a partner lead to write (or hand it to someone else)."""
    from safehub.insight.models import ReportSectionKey

    _require_business_unit(draft, by)
    _draft_stage(draft, ReportStage.DRAFTING)
    if key not in ReportSectionKey.values:
        raise ValidationError({"key": "Unknown section"})
    if not policy.can(lead, "partnership.contribute"):
        raise ValidationError({"lead": "This person cannot write for the partnership"})
    row, _ = YearlyReportSectionLead.objects.update_or_create(
        draft=draft, key=key, defaults={"lead": lead, "status": SectionStatus.WITH_LEAD, "assigned_at": now,
                                        "ready_at": None},
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.UPDATE, subject=draft, at=now, details={"assigned": key, "lead": lead.pk})
    return row


@transaction.atomic
def report_section_ready(*, draft: YearlyReportDraft, key: str, by, now: datetime) -> YearlyReportSectionLead:
    """The lead (or the business unit) says a section is ready for the scrutineer."""
    _draft_stage(draft, ReportStage.DRAFTING)
    row = draft.leads.select_for_update().filter(key=key).first()
    if row is None:
        raise ValidationError({"key": "This section has no lead"})
    if not (row.lead_id == by.pk or (policy.can(by, "partnership.manage") and by.pk != draft.scrutineer_id)):
        raise PermissionDenied
    row.status, row.ready_at = SectionStatus.READY, now
    row.save(update_fields=["status", "ready_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=draft, at=now, details={"ready": key})
    return row


def report_may_comment(*, user, draft: YearlyReportDraft) -> bool:
    return draft.stage != ReportStage.PUBLISHED and (
        policy.can(user, "partnership.manage")
        or draft.scrutineer_id == user.pk
        or draft.leads.filter(lead_id=user.pk).exists()
    )


@transaction.atomic
def report_comment_add(*, draft: YearlyReportDraft, key: str, text: str, by, now: datetime) -> YearlyReportComment:
    """Comment on the draft or one section: the business unit, the scrutineer and the section leads."""
    if not report_may_comment(user=by, draft=draft):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": "Write a comment"})
    comment = YearlyReportComment(draft=draft, key=key, text=text.strip(), written_by=by, written_at=now)
    comment.full_clean()
    comment.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=comment, at=now, details={"key": key})
    return comment


@transaction.atomic
def report_submit(*, draft: YearlyReportDraft, by, now: datetime) -> YearlyReportDraft:
    """Send the draft to the scrutineer once every section with a lead is ready."""
    _require_business_unit(draft, by)
    _draft_stage(draft, ReportStage.DRAFTING)
    waiting = [row.key for row in draft.leads.all() if row.status != SectionStatus.READY]
    if waiting:
        raise ValidationError(f"Sections still with their leads: {', '.join(sorted(waiting))}")
    draft.stage, draft.submitted_at = ReportStage.WITH_SCRUTINEER, now
    draft.version += 1
    draft.save(update_fields=["stage", "submitted_at", "version"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=draft, at=now, details={"stage": draft.stage})
    return draft


def _require_scrutineer(draft: YearlyReportDraft, by) -> None:
    policy.require(by, "partnership.report_approve")
    if draft.scrutineer_id != by.pk:
        raise PermissionDenied("Only the scrutineer named on the report may do this")


@transaction.atomic
def report_return(*, draft: YearlyReportDraft, reason: str, by, now: datetime) -> YearlyReportDraft:
    """The scrutineer sends the draft back for more work, saying why (as a comment)."""
    _require_scrutineer(draft, by)
    _draft_stage(draft, ReportStage.WITH_SCRUTINEER)
    if not reason.strip():
        raise ValidationError({"reason": "Say what needs more work"})
    YearlyReportComment.objects.create(draft=draft, text=reason.strip(), written_by=by, written_at=now)
    draft.stage, draft.submitted_at = ReportStage.DRAFTING, None
    draft.version += 1
    draft.save(update_fields=["stage", "submitted_at", "version"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=draft, at=now, details={"stage": draft.stage})
    return draft


@transaction.atomic
def report_approve(*, draft: YearlyReportDraft, by, now: datetime) -> YearlyReportDraft:
    """The named independent scrutineer approves the report for publication."""
    _require_scrutineer(draft, by)
    _draft_stage(draft, ReportStage.WITH_SCRUTINEER)
    draft.stage, draft.approved_at = ReportStage.APPROVED, now
    draft.version += 1
    draft.full_clean()
    draft.save(update_fields=["stage", "approved_at", "version"])
    audit.record(actor=by, action=AuditAction.SIGN_OFF, subject=draft, at=now, details={"stage": draft.stage})
    return draft


PUBLISHED_FILES = ("report.html", "report.css", "report.pdf")


@transaction.atomic
def report_publish(*, draft: YearlyReportDraft, by, now: datetime) -> PublishedReport:
    """Publish the approved report: copy the files of the latest build made since approval into the
    database, with their digests. The published version never changes: later records or edits
    make new drafts' builds, never a new copy of this one."""
    import hashlib
    from pathlib import Path

    from safehub.insight.models import BuildStatus, ReportBuild

    _require_business_unit(draft, by)
    draft = YearlyReportDraft.objects.select_for_update().get(pk=draft.pk)
    _draft_stage(draft, ReportStage.APPROVED)
    assert draft.approved_at is not None  # noqa: S101 - the stage guarantees it (database constraint)
    build = (
        ReportBuild.objects.filter(year=draft.year, status=BuildStatus.DONE, requested_at__gte=draft.approved_at)
        .order_by("-requested_at", "-pk")
        .first()
    )
    if build is None:
        raise ValidationError("Build the report after the scrutineer's approval, then publish that build")
    folder = Path(build.output_dir)
    names = [n for n in PUBLISHED_FILES if (folder / n).is_file()]
    names += sorted(p.name for p in folder.glob("chart-*.svg"))
    if "report.html" not in names:
        raise ValidationError("That build has no report to publish")
    published = PublishedReport.objects.create(draft=draft, year=draft.year, build_id=build.pk, published_at=now,
                                               published_by=by, sha256="")  # fmt: skip
    whole = hashlib.sha256()
    for name in names:
        content = (folder / name).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        PublishedReportFile.objects.create(report=published, name=name, content=content, sha256=digest)
        whole.update(f"{name}:{digest}\n".encode())
    PublishedReport.objects.filter(pk=published.pk).update(sha256=whole.hexdigest())
    published.sha256 = whole.hexdigest()
    draft.stage, draft.published_at = ReportStage.PUBLISHED, now
    draft.version += 1
    draft.save(update_fields=["stage", "published_at", "version"])
    audit.record(actor=by, action=AuditAction.SIGN_OFF, subject=published, at=now,
                 details={"year": draft.year, "build": build.pk, "sha256": published.sha256})  # fmt: skip
    return published
