"""Casework actions: each checks access, validates, and audits in the same transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from safehub.agencies.models import Agency
from safehub.casework import case_services, rules
from safehub.casework.models import (
    EXPLOITATION_ORDER,
    Assessment,
    Attendance,
    CaseOutcomeShare,
    ChildProtectionPlan,
    ExploitationContribution,
    ExploitationRiskAssessment,
    MeetingDecision,
    MeetingInvite,
    MeetingStatus,
    MissingEpisode,
    RecordShare,
    Section47,
    StrategyMeeting,
    TransitionPlan,
)
from safehub.core import audit, events
from safehub.core.calendar import due_after_working_days, uk_date
from safehub.core.codes import AssessmentFactor
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.core.timescales import timescale
from safehub.people import policy
from safehub.people.models import Involvement, Person
from safehub.people.services import involvement_record


def _require_person(by, person: Person, now: datetime, permission: str) -> None:
    policy.require(by, permission)
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this child's record")


@transaction.atomic
def meeting_convene(
    *,
    person: Person,
    by,
    now: datetime,
    scheduled_at: datetime,
    chair,
    agencies: list[Agency],
    reason: str = "REFERRAL",
    referral=None,
) -> StrategyMeeting:
    """Convene a strategy meeting and invite agencies (each gets access to the child's record)."""
    _require_person(by, person, now, "casework.convene")
    if not policy.can(chair, "casework.chair"):
        raise ValidationError({"chair": "The chair must be a social work manager or front-door manager"})
    meeting = StrategyMeeting(
        person=person,
        referral=referral,
        reason=reason,
        convened_by=by,
        chair=chair,
        convened_at=now,
        scheduled_at=scheduled_at,
    )
    meeting.full_clean()
    meeting.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=meeting, at=now)
    for agency in agencies:
        meeting_invite(meeting=meeting, agency=agency, by=by, now=now)
    return meeting


@transaction.atomic
def meeting_invite(
    *, meeting: StrategyMeeting, agency: Agency, by, now: datetime, invitee_name: str = ""
) -> MeetingInvite:
    policy.require(by, "casework.convene")
    invite, created = MeetingInvite.objects.get_or_create(
        meeting=meeting, agency=agency, defaults={"invited_at": now, "invitee_name": invitee_name}
    )
    if created:
        involvement_record(
            person=meeting.person,
            agency_id=agency.pk,
            kind="MEETING_INVITEE",
            now=now,
            source=f"casework.StrategyMeeting:{meeting.pk}",
            by=by,
        )
        audit.record(actor=by, action=AuditAction.UPDATE, subject=meeting, at=now, details={"invited": agency.pk})
    return invite


@transaction.atomic
def attendance_record(
    *,
    meeting: StrategyMeeting,
    agency: Agency,
    attendance: str,
    by,
    now: datetime,
    apologies_from: str = "",
    information_shared: str = "",
) -> MeetingInvite:
    """Record who came, who sent apologies, and what each agency told the meeting."""
    _require_person(by, meeting.person, now, "casework.record")
    invite = MeetingInvite.objects.filter(meeting=meeting, agency=agency).first()
    if invite is None:
        invite = meeting_invite(meeting=meeting, agency=agency, by=by, now=now)
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": "Choose attended, apologies or did not attend"})
    if attendance == Attendance.APOLOGIES and not apologies_from.strip():
        raise ValidationError({"apologies_from": "Say who sent apologies"})
    invite.attendance, invite.apologies_from = attendance, apologies_from.strip()
    invite.information_shared = information_shared.strip() or invite.information_shared
    invite.save(update_fields=["attendance", "apologies_from", "information_shared"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=meeting,
        at=now,
        details={"attendance": attendance, "agency": agency.pk},
    )
    return invite


@transaction.atomic
def meeting_hold(
    *, meeting: StrategyMeeting, held_at: datetime, decision: str, by, now: datetime, immediate_safety_actions: str = ""
) -> StrategyMeeting:
    """Record that the meeting took place and what it decided; starts a section 47 if decided."""
    _require_person(by, meeting.person, now, "casework.record")
    if meeting.status != MeetingStatus.CONVENED:
        raise ValidationError("This meeting has already been recorded as held")
    if decision not in MeetingDecision.values:
        raise ValidationError({"decision": "Choose the meeting's decision"})
    if held_at > now:
        raise ValidationError({"held_at": "The meeting cannot be held in the future"})
    meeting.held_at, meeting.decision, meeting.status = held_at, decision, MeetingStatus.HELD
    meeting.immediate_safety_actions = immediate_safety_actions.strip()
    meeting.record_share_due_at = due_after_working_days(held_at, timescale("strategy_record_share_working_days"))
    meeting.version += 1
    meeting.save()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=meeting, at=now, details={"decision": decision})
    if decision == MeetingDecision.SECTION_47:
        section47_start(meeting=meeting, by=by, now=now)
    return meeting


@transaction.atomic
def record_draft(*, meeting: StrategyMeeting, text: str, by, now: datetime, expected_version: int) -> StrategyMeeting:
    _require_person(by, meeting.person, now, "casework.record")
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.RECORD_DRAFTED):
        raise ValidationError("Record the meeting as held first; an approved record cannot be changed")
    if not text.strip():
        raise ValidationError({"record_text": "Write the record of the meeting"})
    updated = StrategyMeeting.objects.filter(pk=meeting.pk, version=expected_version).update(
        record_text=text.strip(), record_drafted_at=now, status=MeetingStatus.RECORD_DRAFTED, version=F("version") + 1
    )
    if not updated:
        raise StaleEdit(StrategyMeeting.objects.values_list("version", flat=True).get(pk=meeting.pk))
    meeting.refresh_from_db()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=meeting, at=now, details={"record": "drafted"})
    return meeting


@transaction.atomic
def record_approve(*, meeting: StrategyMeeting, by, now: datetime) -> list[RecordShare]:
    """The chair approves the record; it is shared at once with every invited or attending agency."""
    if by.pk != meeting.chair_id:
        raise PermissionDenied("Only the chair can approve the record")
    if meeting.status != MeetingStatus.RECORD_DRAFTED:
        raise ValidationError("There is no drafted record to approve")
    meeting.record_approved_at, meeting.status = now, MeetingStatus.RECORD_SHARED
    meeting.version += 1
    meeting.save(update_fields=["record_approved_at", "status", "version"])
    audit.record(actor=by, action=AuditAction.SIGN_OFF, subject=meeting, at=now, details={"record": "approved"})
    shares = []
    for invite in meeting.invites.select_related("agency"):
        if invite.agency.kind == "LA_CHILDREN":
            continue  # the record is the local authority's own
        share, created = RecordShare.objects.get_or_create(
            meeting=meeting, agency=invite.agency, defaults={"shared_at": now}
        )
        if created:
            audit.record(
                actor=by,
                action=AuditAction.SHARE,
                subject=share,
                person_id=meeting.person_id,
                at=now,
                details={"agency": invite.agency_id, "what": "strategy record"},
            )
            shares.append(share)
            # Written to the outbox with the share: delivered to agency systems after the commit.
            events.publish("record.shared", agency_id=share.agency_id, kind="strategy_record", id=share.pk)
    return shares


@transaction.atomic
def record_read(*, share: RecordShare, by, now: datetime) -> RecordShare:
    membership = policy.membership_for_user(by)
    if membership is None or membership.agency_id != share.agency_id:
        raise PermissionDenied("This record was shared with another agency")
    if share.read_at is None:
        share.read_at, share.read_by = now, by
        share.save(update_fields=["read_at", "read_by"])
    audit.record(
        actor=by,
        action=AuditAction.VIEW,
        subject=share,
        person_id=share.meeting.person_id,
        at=now,
        details={"what": "strategy record"},
    )
    return share


@transaction.atomic
def case_outcome_read(*, share: CaseOutcomeShare, by, now: datetime, via: str = "page") -> CaseOutcomeShare:
    """Record that the agency read an enquiry or assessment outcome (first read sets the receipt)."""
    membership = policy.membership_for_user(by)
    if membership is None or membership.agency_id != share.agency_id:
        raise PermissionDenied("This outcome was shared with another agency")
    if share.read_at is None:
        share.read_at, share.read_by = now, by
        share.save(update_fields=["read_at", "read_by"])
    audit.record(actor=by, action=AuditAction.VIEW, subject=share, at=now, details={"via": via})
    return share


@transaction.atomic
def section47_start(*, meeting: StrategyMeeting, by, now: datetime) -> Section47:
    strategy_date = uk_date(meeting.held_at or now)
    s47 = Section47.objects.create(
        person=meeting.person,
        strategy_meeting=meeting,
        strategy_date=strategy_date,
        icpc_due_date=rules.icpc_due(
            strategy_date, working_days=timescale("icpc_working_days", rules.ICPC_WORKING_DAYS)
        ),
        worker=by,
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=s47, at=now)
    case_services.link_to_open_episode(s47, by=by, now=now)
    return s47


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


def involved_partner_agencies(person: Person, now: datetime) -> set[int]:
    """Agencies with a current involvement, other than children's social care itself."""
    from django.db.models import Q

    return set(
        Involvement.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now), person=person)
        .exclude(agency__kind="LA_CHILDREN")
        .values_list("agency_id", flat=True)
    )


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
        from safehub.casework.next_steps import assessment_next_step

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


@transaction.atomic
def cla_start(*, person: Person, start_date: date, legal_status: str, placement: str, by, now: datetime):
    """A child becomes looked after: the first review is due in 20 days, the health assessment in 28."""
    from datetime import timedelta

    from safehub.casework.models import CLAReview, HealthAssessment, LookedAfterEpisode

    _require_person(by, person, now, "casework.record")
    if LookedAfterEpisode.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError("This child is already looked after")
    episode = LookedAfterEpisode(person=person, start_date=start_date, legal_status=legal_status, placement=placement)
    episode.full_clean()
    episode.save()
    CLAReview.objects.create(person=person, due_date=start_date + timedelta(days=20))
    HealthAssessment.objects.create(person=person, due_date=start_date + timedelta(days=28))
    audit.record(actor=by, action=AuditAction.CREATE, subject=episode, at=now)
    case_services.link_to_open_episode(episode, by=by, now=now)
    return episode


@transaction.atomic
def cla_end(*, person: Person, end_date: date, by, now: datetime):
    from safehub.casework.models import LookedAfterEpisode

    _require_person(by, person, now, "casework.record")
    episode = LookedAfterEpisode.objects.filter(person=person, end_date__isnull=True).first()
    if episode is None:
        raise ValidationError("This child is not looked after")
    episode.end_date = end_date
    episode.full_clean()
    episode.save(update_fields=["end_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=episode, at=now, details={"ended": str(end_date)})
    case_services.refresh_open_episode(person.pk, by=by, now=now)
    return episode


@transaction.atomic
def cla_review_held(*, person: Person, held_date: date, by, now: datetime):
    """Record the looked-after review; the next is due in 3 months after the first, then 6-monthly."""
    from datetime import timedelta

    from safehub.casework.models import CLAReview

    _require_person(by, person, now, "casework.record")
    review = CLAReview.objects.filter(person=person, held_date__isnull=True).order_by("due_date").first()
    if review is None:
        raise ValidationError("No looked-after review is due")
    earlier = CLAReview.objects.filter(person=person, held_date__isnull=False).count()
    review.held_date = held_date
    review.save(update_fields=["held_date"])
    CLAReview.objects.create(person=person, due_date=held_date + timedelta(days=91 if earlier == 0 else 182))
    audit.record(
        actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"in_time": held_date <= review.due_date}
    )
    return review


@transaction.atomic
def health_assessment_done(*, person: Person, completed_date: date, by, now: datetime):
    from datetime import timedelta

    from safehub.casework.models import HealthAssessment

    _require_person(by, person, now, "casework.record")
    assessment = (
        HealthAssessment.objects.filter(person=person, completed_date__isnull=True).order_by("due_date").first()
    )
    if assessment is None:
        raise ValidationError("No health assessment is due")
    assessment.completed_date = completed_date
    assessment.save(update_fields=["completed_date"])
    HealthAssessment.objects.create(person=person, due_date=completed_date + timedelta(days=365))
    audit.record(actor=by, action=AuditAction.UPDATE, subject=assessment, at=now)
    return assessment


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
