"""Casework actions: each checks access, validates, and audits in the same transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.agencies.models import Agency
from safehub.casework import case_services, rules
from safehub.casework.care import care_hooks
from safehub.casework.meeting_services import (  # noqa: F401 - re-exported: callers use casework.services
    attendance_record,
    case_outcome_read,
    meeting_convene,
    meeting_hold,
    meeting_invite,
    record_approve,
    record_draft,
    record_read,
    section47_start,
)
from safehub.casework.models import (
    EXPLOITATION_ORDER,
    Assessment,
    CaseOutcomeShare,
    ChildProtectionPlan,
    ExploitationContribution,
    ExploitationRiskAssessment,
    MissingEpisode,
    Section47,
    TransitionPlan,
)
from safehub.casework.next_steps import assessment_next_step
from safehub.casework.selectors import involved_partner_agencies
from safehub.core import audit, events
from safehub.core.calendar import uk_date
from safehub.core.codes import AssessmentFactor
from safehub.core.models import AuditAction
from safehub.core.timescales import timescale
from safehub.people import policy
from safehub.people.models import Person
from safehub.people.services import involvement_record


def _require_person(by, person: Person, now: datetime, permission: str) -> None:
    policy.require(by, permission)
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this child's record")


def _share_outcome(
    *, person: Person, kind: str, object_id: int, summary: str, by, now: datetime, agency_ids: set[int]
) -> list[CaseOutcomeShare]:
    shares = []
    for agency_id in sorted(agency_ids):
        share, created = CaseOutcomeShare.objects.get_or_create(
            kind=kind,
            object_id=object_id,
            agency_id=agency_id,
            defaults={"person": person, "summary": summary, "shared_at": now},
        )
        if created:
            audit.record(
                actor=by, action=AuditAction.SHARE, subject=share, at=now, details={"agency": agency_id, "kind": kind}
            )
            shares.append(share)
            events.publish("record.shared", agency_id=agency_id, kind=kind, id=share.pk)
    return shares


@transaction.atomic
def section47_complete(*, s47: Section47, outcome: str, completed_date: date, by, now: datetime) -> Section47:
    """Record the enquiry's outcome and share it with the agencies involved."""
    _require_person(by, s47.person, now, "casework.record")
    if completed_date < s47.strategy_date:
        raise ValidationError({"completed_date": "The enquiry cannot end before the strategy discussion"})
    s47.outcome, s47.completed_date = outcome, completed_date
    s47.full_clean()
    s47.save(update_fields=["outcome", "completed_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=s47, at=now, details={"outcome": outcome})
    case_services.refresh_open_episode(s47.person_id, by=by, now=now)
    _share_outcome(
        person=s47.person,
        kind="SECTION_47",
        object_id=s47.pk,
        summary=s47.get_outcome_display(),
        by=by,
        now=now,
        agency_ids=involved_partner_agencies(s47.person, now),
    )
    return s47


@transaction.atomic
def icpc_record(*, s47: Section47, icpc_date: date, by, now: datetime, plan_category: str = "") -> Section47:
    """Record the initial child protection conference; timeliness is computed from the dates."""
    _require_person(by, s47.person, now, "casework.record")
    s47.icpc_date = icpc_date
    s47.full_clean()
    s47.save(update_fields=["icpc_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=s47, at=now, details={"icpc": str(icpc_date)})
    summary = "Initial child protection conference held"
    if plan_category:
        plan = cp_plan_start(person=s47.person, start_date=icpc_date, category=plan_category, by=by, now=now, s47=s47)
        summary += f": child protection plan ({plan.get_initial_category_display()})"
    _share_outcome(
        person=s47.person,
        kind="ICPC",
        object_id=s47.pk,
        summary=summary,
        by=by,
        now=now,
        agency_ids=involved_partner_agencies(s47.person, now),
    )
    return s47


@transaction.atomic
def assessment_start(*, person: Person, start_date: date, by, now: datetime, referral=None) -> Assessment:
    _require_person(by, person, now, "casework.record")
    base = referral.referral_date if referral else start_date
    assessment = Assessment(
        person=person,
        referral=referral,
        start_date=start_date,
        worker=by,
        due_date=rules.assessment_due(
            base, working_days=timescale("assessment_working_days", rules.ASSESSMENT_WORKING_DAYS)
        ),
    )
    assessment.full_clean()
    assessment.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=assessment, at=now)
    case_services.link_to_open_episode(assessment, by=by, now=now)
    return assessment


@transaction.atomic
def assessment_authorise(
    *,
    assessment: Assessment,
    authorised_date: date,
    factors: list[str],
    outcome: str,
    summary: str,
    by,
    now: datetime,
    primary_need: str = "",
    start_next_step: bool = True,
) -> Assessment:
    """Complete the assessment, record the case's primary need, and share the outcome with the partners involved.

    On a case (episode) the primary need N1-N9 is required here (CIN census guide 2025-26). The
    outcome then starts its next step (``next_steps.assessment_next_step``: a CIN plan, a strategy
    discussion or closure) in the same transaction; ``assessment.next_step`` says what it did.
    """
    _require_person(by, assessment.person, now, "casework.record")
    unknown = [f for f in factors if f not in AssessmentFactor.values]
    if unknown:
        raise ValidationError({"factors": f"Unknown factor codes: {', '.join(unknown)}"})
    episode = assessment.episode
    if episode is not None:
        if not primary_need and not episode.primary_need:
            raise ValidationError({"primary_need": "Record the child's primary need (N1-N9) with the assessment"})
        if primary_need:
            error = rules.primary_need_error(primary_need, nfa=False)
            if error:
                raise ValidationError({"primary_need": error})
            episode.primary_need = primary_need
            episode.save(update_fields=["primary_need"])
    assessment.authorised_date, assessment.factors = authorised_date, list(factors)
    assessment.outcome, assessment.summary = outcome, summary.strip()
    assessment.full_clean()
    assessment.save()
    audit.record(actor=by, action=AuditAction.SIGN_OFF, subject=assessment, at=now)
    if episode is not None:
        case_services.episode_refresh_stage(episode=episode, by=by, now=now)
    agencies = involved_partner_agencies(assessment.person, now)
    if assessment.referral and assessment.referral.contact and assessment.referral.contact.referrer_agency_id:
        agencies.add(assessment.referral.contact.referrer_agency_id)
    _share_outcome(
        person=assessment.person,
        kind="ASSESSMENT",
        object_id=assessment.pk,
        summary=f"{assessment.get_outcome_display()}. {assessment.summary}".strip(),
        by=by,
        now=now,
        agency_ids=agencies,
    )
    if start_next_step and assessment.outcome:
        assessment.next_step = assessment_next_step(assessment=assessment, by=by, now=now)
    return assessment


@transaction.atomic
def cp_plan_start(
    *, person: Person, start_date: date, category: str, by, now: datetime, s47=None
) -> ChildProtectionPlan:
    _require_person(by, person, now, "casework.record")
    if ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError("This child already has an open child protection plan")
    unborn = (
        person.date_of_birth is None
        and person.expected_date_of_birth is not None
        or (person.date_of_birth is not None and person.date_of_birth > start_date)
    )
    plan = ChildProtectionPlan(
        person=person,
        section47=s47,
        start_date=start_date,
        initial_category=category,
        latest_category=category,
        unborn_at_start=unborn,
        worker=by,
    )
    plan.full_clean()
    plan.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=plan, at=now)
    case_services.link_to_open_episode(plan, by=by, now=now)
    return plan


@transaction.atomic
def cp_plan_end(*, plan: ChildProtectionPlan, end_date: date, reason: str, by, now: datetime) -> ChildProtectionPlan:
    _require_person(by, plan.person, now, "casework.record")
    plan.end_date, plan.end_reason = end_date, reason
    plan.full_clean()
    plan.save(update_fields=["end_date", "end_reason"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=plan, at=now, details={"ended": str(end_date)})
    case_services.refresh_open_episode(plan.person_id, by=by, now=now)
    return plan


@transaction.atomic
def missing_episode_record(
    *,
    person: Person,
    started_at: datetime,
    risk_level: str,
    by,
    now: datetime,
    ended_at: datetime | None = None,
    notes: str = "",
) -> MissingEpisode:
    _require_person(by, person, now, "casework.record")
    episode = MissingEpisode(
        person=person, started_at=started_at, ended_at=ended_at, risk_level=risk_level, notes=notes
    )
    episode.full_clean()
    episode.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=episode, at=now)
    return episode


@transaction.atomic
def return_interview_record(
    *, episode: MissingEpisode, done_at: datetime | None, declined: bool, by, now: datetime
) -> MissingEpisode:
    _require_person(by, episode.person, now, "casework.record")
    episode.return_interview_offered_at = episode.return_interview_offered_at or now
    episode.return_interview_done_at, episode.return_interview_declined = done_at, declined
    episode.save()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=episode, at=now)
    return episode


@transaction.atomic
def exploitation_assessment_record(
    *,
    person: Person,
    level: str,
    rationale: str,
    kinds: list[str],
    by,
    now: datetime,
    contributions: dict[int, str] | None = None,
    downgrade_agreed_by: list[int] | None = None,
    downgrade_agreement_note: str = "",
) -> ExploitationRiskAssessment:
    """Record an exploitation risk assessment; lowering the level needs recorded multi-agency agreement."""
    _require_person(by, person, now, "casework.record")
    previous = ExploitationRiskAssessment.objects.filter(person=person).order_by("-assessed_at").first()
    previous_level = previous.level if previous else ""
    agreed = sorted(set(downgrade_agreed_by or []))
    if previous and EXPLOITATION_ORDER[level] < EXPLOITATION_ORDER[previous_level]:
        partner_agencies = Agency.objects.filter(pk__in=agreed).exclude(kind="LA_CHILDREN").count()
        if len(agreed) < 2 or partner_agencies < 1 or not downgrade_agreement_note.strip():
            raise ValidationError(
                {
                    "level": "Lowering the risk level needs the recorded agreement of at least two "
                    "agencies, including a partner outside children's social care"
                }
            )
    era = ExploitationRiskAssessment(
        person=person,
        assessed_at=now,
        kinds=kinds,
        level=level,
        previous_level=previous_level,
        rationale=rationale.strip(),
        downgrade_agreed_by=agreed,
        downgrade_agreement_note=downgrade_agreement_note,
        assessed_by=by,
    )
    era.full_clean()
    era.save()
    for agency_id, text in (contributions or {}).items():
        ExploitationContribution.objects.create(
            assessment=era, agency_id=agency_id, contribution=text, contributed_at=now
        )
    audit.record(actor=by, action=AuditAction.CREATE, subject=era, at=now, details={"level": level})
    return era


@transaction.atomic
def transition_plan_create(
    *,
    person: Person,
    owner,
    needs: str,
    plan: str,
    review_date: date,
    by,
    now: datetime,
    adult_service: Agency | None = None,
) -> TransitionPlan:
    _require_person(by, person, now, "casework.record")
    tp = TransitionPlan(
        person=person,
        owner=owner,
        adult_service=adult_service,
        started_date=uk_date(now),
        review_date=review_date,
        needs=needs,
        plan=plan,
    )
    tp.full_clean()
    tp.save()
    if adult_service:
        involvement_record(
            person=person,
            agency_id=adult_service.pk,
            kind="PROFESSIONAL",
            now=now,
            source=f"casework.TransitionPlan:{tp.pk}",
            by=by,
        )
    audit.record(actor=by, action=AuditAction.CREATE, subject=tp, at=now)
    return tp


# Periods of care are the looked-after app's: casework's actions call its services (handed down in
# LookedAfterConfig.ready(), ``casework.care``), so a period of care always has its SSDA903 episodes
# and one timetable of reviews and health assessments (lookedafter.rules: Care Planning, Placement
# and Case Review (England) Regulations 2010).


@transaction.atomic
def cla_start(
    *,
    person: Person,
    start_date: date,
    legal_status: str,
    category_of_need: str,
    place: str,
    home_postcode: str,
    by,
    now: datetime,
    provider=None,
):
    """A child becomes looked after: the period of care, its first 903 episode, the first review and IHA due."""

    period = care_hooks().care_start(
        person=person,
        start_date=start_date,
        legal_status=legal_status,
        category_of_need=category_of_need,
        place=place,
        provider=provider,
        home_postcode=home_postcode,
        by=by,
        now=now,
    )
    case_services.link_to_open_episode(period, by=by, now=now)
    return period


@transaction.atomic
def cla_end(*, person: Person, end_date: date, reason: str, by, now: datetime, reason_place_change: str = ""):
    """Care ends: the open 903 episode ceases with its reason, and reviews and health checks still due close."""

    _require_person(by, person, now, "casework.record")
    care = care_hooks()
    period = care.open_period(person)
    care.care_end(period=period, on=end_date, reason=reason, reason_place_change=reason_place_change, by=by, now=now)
    period.refresh_from_db()
    case_services.refresh_open_episode(person.pk, by=by, now=now)
    return period


@transaction.atomic
def cla_review_held(*, person: Person, held_date: date, participation: str, by, now: datetime):
    """Record the looked-after review due with the child's participation code; the next is set due."""

    _require_person(by, person, now, "casework.record")
    return care_hooks().review_held(person=person, held_date=held_date, participation=participation, by=by, now=now)


@transaction.atomic
def health_assessment_done(*, person: Person, completed_date: date, by, now: datetime):
    """Record the health assessment due (initial or review); the next is due 6-monthly under 5, yearly from 5."""

    _require_person(by, person, now, "casework.record")
    return care_hooks().health_assessment_done(person=person, completed_date=completed_date, by=by, now=now)


@transaction.atomic
def care_leaver_status_record(
    *, person: Person, as_of_date: date, suitable_accommodation: bool, activity: str, by, now: datetime
):
    from safehub.casework.models import CareLeaverStatus

    _require_person(by, person, now, "casework.record")
    status, _ = CareLeaverStatus.objects.update_or_create(
        person=person,
        as_of_date=as_of_date,
        defaults={"suitable_accommodation": suitable_accommodation, "activity": activity},
    )
    audit.record(actor=by, action=AuditAction.UPDATE, subject=status, at=now)
    return status


@transaction.atomic
def cp_review_held(*, person: Person, held_date: date, by, now: datetime):
    """Record a child protection review conference: the first is due 3 months after the plan, then 6-monthly."""
    from safehub.casework.models import CPReview

    _require_person(by, person, now, "casework.record")
    plan = ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True).first()
    if plan is None:
        raise ValidationError("This child has no open child protection plan")
    if held_date < plan.start_date:
        raise ValidationError({"held_date": "A review cannot be before the plan started"})
    due = plan.reviews.filter(held_date__isnull=True).order_by("due_date").first()
    if due is None:
        last = plan.reviews.filter(held_date__isnull=False).order_by("-held_date").first()
        due = CPReview.objects.create(
            plan=plan, due_date=rules.cp_review_due(plan.start_date, last.held_date if last else None)
        )
    due.held_date = held_date
    due.save(update_fields=["held_date"])
    # Working Together 2023: the first review within 3 months of the ICPC, every later one within 6 months.
    CPReview.objects.create(plan=plan, due_date=rules.cp_review_due(plan.start_date, held_date))
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=plan,
        at=now,
        details={"review": str(held_date), "in_time": held_date <= due.due_date},
    )
    return due
