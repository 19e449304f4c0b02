"""Early help actions. Each names its actor, checks access, validates and audits in one transaction.

Access is the child's record's (``people.policy.person_access``): the early help team's agency, the
lead professional's agency and every agency at a team around the family meeting get an
involvement with the child and the family members linked, so the one policy lets them open the
record; the front door sees it by role. Step up and step down call the front door's and
casework's own services, which open (or close) the social care side and record its involvement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from safehub.agencies.models import Agency, AgencyKind, Team
from safehub.agencies.selectors import membership_for_user
from safehub.casework.case_services import episode_close as case_close
from safehub.casework.case_services import open_episode_for
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.codes import ReferralSource
from safehub.core.models import AuditAction
from safehub.earlyhelp.models import (
    ClosureReason,
    EarlyHelpEpisode,
    EarlyHelpFamilyMember,
    EarlyHelpMeeting,
    EpisodeOrigin,
    FamilyRole,
    MeetingKind,
    Progress,
    SpecialistAttachment,
    SpecialistEntry,
    SpecialistEntryKind,
    SpecialistKind,
    StepDirection,
    StepRecord,
)
from safehub.frontdoor.services import referral_create
from safehub.people import policy
from safehub.people.models import InvolvementKind, Person, Relationship, RelationshipKind
from safehub.people.services import involvement_record

RECORD = "pathways.record"  # early help is one of the pathways around the front door (issue 21)
STEP = "casework.record"  # moving a family to or from social care is a social care decision
EARLY_HELP_TEAM = "Early help"
FAMILY_KINDS: dict[str, str] = {
    RelationshipKind.PARENT: FamilyRole.PARENT,
    RelationshipKind.CARER: FamilyRole.CARER,
    RelationshipKind.SIBLING: FamilyRole.SIBLING,
    RelationshipKind.HOUSEHOLD_MEMBER: FamilyRole.OTHER_ADULT,
    RelationshipKind.PARTNER: FamilyRole.PARTNER,
}


def _require_person(by, person: Person, now: datetime) -> None:
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")


def _require_episode(by, episode: EarlyHelpEpisode, now: datetime, permission: str = RECORD) -> None:
    policy.require(by, permission, episode)
    _require_person(by, episode.person, now)


def _require_open(episode: EarlyHelpEpisode) -> None:
    if episode.closed_date is not None:
        raise ValidationError("This early help episode is closed")


def early_help_team(by=None) -> Team | None:
    """The early help team: the actor's own when they are in it, otherwise the local authority's."""
    membership = membership_for_user(by) if by is not None else None
    if membership is not None and membership.team is not None and membership.team.name == EARLY_HELP_TEAM:
        return membership.team
    return (
        Team.objects.filter(name=EARLY_HELP_TEAM, agency__kind=AgencyKind.LA_CHILDREN)
        .select_related("agency")
        .order_by("pk")
        .first()
    )


def family_candidates(person: Person) -> list[tuple[Person, str]]:
    """The child's family from the register's relationships (both directions), with a role each."""
    found: dict[int, tuple[Person, str]] = {}
    for rel in Relationship.objects.filter(
        Q(person=person) | Q(related=person), ended_date__isnull=True
    ).select_related("person", "related"):
        other = rel.related if rel.person_id == person.pk else rel.person
        if rel.kind == RelationshipKind.PARENT and rel.related_id == person.pk:
            role: str = FamilyRole.OTHER  # the child is the parent of this person: not the usual shape
        else:
            role = FAMILY_KINDS.get(rel.kind, FamilyRole.OTHER)
        if other.merged_into_id is None:
            found.setdefault(other.pk, (other, role))
    return sorted(found.values(), key=lambda pair: (pair[1], pair[0].pk))


def _involve(*, people: Iterable[Person], agency_id: int | None, kind: str, episode, now: datetime, by) -> None:
    if agency_id is None:
        return
    for person in people:
        involvement_record(
            person=person, agency_id=agency_id, kind=kind, now=now, source=f"earlyhelp.Episode:{episode.pk}", by=by
        )


def _household(episode: EarlyHelpEpisode) -> list[Person]:
    return [episode.person, *(m.person for m in episode.family.select_related("person"))]


def _validate_family(child: Person, family: list[tuple[Person, str]]) -> dict[str, list[str]]:
    related = {p.pk for p, _ in family_candidates(child)}
    errors: dict[str, list[str]] = {}
    for person, role in family:
        if person.pk == child.pk:
            errors["family"] = ["The child is not their own family member"]
        elif person.pk not in related:
            errors["family"] = ["Link family members through the child's relationships on the person record first"]
        elif role not in FamilyRole.values:
            errors["family"] = ["Choose each family member's role"]
    return errors


@transaction.atomic
def episode_open(
    *,
    child: Person,
    by,
    now: datetime,
    origin: str,
    assessment_start_date: date,
    origin_reason: str = "",
    lead_professional=None,
    organisation: str = "",
    family: list[tuple[Person, str]] | None = None,
    contact=None,
    stepped_down_from=None,
) -> EarlyHelpEpisode:
    """Open a child's early help: the assessment starts, the early help team and lead agency get access."""
    policy.require(by, RECORD, child)
    _require_person(by, child, now)
    family = family or []
    errors: dict[str, list[str]] = {}
    if origin not in EpisodeOrigin.values or origin == EpisodeOrigin.ANNEX_A:
        errors["origin"] = ["Choose how the family came to early help"]
    if assessment_start_date > uk_date(now):
        errors["assessment_start_date"] = ["The assessment cannot start in the future"]
    if child.date_of_birth is not None and assessment_start_date < child.date_of_birth:
        errors["assessment_start_date"] = ["The assessment cannot start before the child was born"]
    if child.date_of_birth is not None and (child.age_on(assessment_start_date) or 0) >= 18:
        errors["assessment_start_date"] = ["Early help for children is for those under 18"]
    lead_membership = membership_for_user(lead_professional) if lead_professional is not None else None
    if lead_professional is not None and (lead_membership is None or not policy.can(lead_professional, RECORD)):
        errors["lead_professional"] = ["The lead professional must be a practitioner who can record early help"]
    errors.update(_validate_family(child, family))
    if (
        EarlyHelpEpisode.objects.filter(person=child, closed_date__isnull=True)
        .exclude(origin=EpisodeOrigin.ANNEX_A)
        .exists()
    ):
        errors["assessment_start_date"] = ["This child already has open early help: record on it"]
    if errors:
        raise ValidationError(errors)
    team = early_help_team(by)
    lead_agency = lead_membership.agency if lead_membership is not None else None
    episode = EarlyHelpEpisode(
        person=child,
        origin=origin,
        origin_reason=origin_reason.strip(),
        contact=contact,
        stepped_down_from=stepped_down_from,
        team=team,
        lead_agency=lead_agency,
        lead_professional=lead_professional,
        organisation=organisation.strip() or (lead_agency.name if lead_agency else (team.agency.name if team else "")),
        assessment_start_date=assessment_start_date,
        opened_by=by,
        opened_at=now,
    )
    episode.full_clean()
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError as exc:  # a concurrent open for the same child
        raise ValidationError("This child already has open early help") from exc
    for person, role in family:
        EarlyHelpFamilyMember.objects.create(episode=episode, person=person, role=role, added_at=now)
    audit.record(
        actor=by, action=AuditAction.CREATE, subject=episode, at=now, details={"origin": origin, "family": len(family)}
    )
    people = _household(episode)
    _involve(people=people, agency_id=team.agency_id if team else None, kind=InvolvementKind.CASE_HOLDER,
             episode=episode, now=now, by=by)  # fmt: skip
    _involve(people=people, agency_id=lead_agency.pk if lead_agency else None, kind=InvolvementKind.PROFESSIONAL,
             episode=episode, now=now, by=by)  # fmt: skip
    return episode


@transaction.atomic
def family_member_add(
    *, episode: EarlyHelpEpisode, person: Person, role: str, by, now: datetime
) -> EarlyHelpFamilyMember:
    """Link a family member (from the child's relationships) to the early help."""
    _require_episode(by, episode, now)
    _require_open(episode)
    errors = _validate_family(episode.person, [(person, role)])
    if episode.family.filter(person=person).exists():
        errors["family"] = ["Already linked to this early help"]
    if errors:
        raise ValidationError(errors)
    member = EarlyHelpFamilyMember.objects.create(episode=episode, person=person, role=role, added_at=now)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=episode, at=now, details={"family_added": person.pk})
    for agency_id in {episode.team.agency_id if episode.team else None, episode.lead_agency_id}:
        _involve(
            people=[person], agency_id=agency_id, kind=InvolvementKind.PROFESSIONAL, episode=episode, now=now, by=by
        )
    return member


@transaction.atomic
def lead_professional_set(*, episode: EarlyHelpEpisode, lead_professional, by, now: datetime) -> EarlyHelpEpisode:
    """Name the lead professional (any agency); their agency can then open the family's record."""
    _require_episode(by, episode, now)
    _require_open(episode)
    membership = membership_for_user(lead_professional) if lead_professional is not None else None
    if membership is None or not policy.can(lead_professional, RECORD):
        raise ValidationError({"lead_professional": ["Choose a practitioner who can record early help"]})
    previous = episode.lead_professional_id
    episode.lead_professional, episode.lead_agency = lead_professional, membership.agency
    episode.save(update_fields=["lead_professional", "lead_agency"])
    audit.record(
        actor=by, action=AuditAction.UPDATE, subject=episode, at=now,
        details={"lead_professional": [previous, lead_professional.pk], "agency": membership.agency_id},
    )  # fmt: skip
    _involve(people=_household(episode), agency_id=membership.agency_id, kind=InvolvementKind.PROFESSIONAL,
             episode=episode, now=now, by=by)  # fmt: skip
    return episode


@transaction.atomic
def assessment_complete(
    *,
    episode: EarlyHelpEpisode,
    by,
    now: datetime,
    completed_date: date,
    summary: str,
    plan_outcomes: str,
    child_voice: str = "",
) -> EarlyHelpEpisode:
    """Complete the early help assessment; the family plan starts the same day."""
    _require_episode(by, episode, now)
    _require_open(episode)
    errors: dict[str, list[str]] = {}
    if episode.assessment_completed_date is not None:
        errors["completed_date"] = ["The assessment is already complete"]
    if completed_date < episode.assessment_start_date or completed_date > uk_date(now):
        errors["completed_date"] = ["The completion date is between the assessment start and today"]
    if not summary.strip():
        errors["summary"] = ["Summarise the family's strengths and needs"]
    if not plan_outcomes.strip():
        errors["plan_outcomes"] = ["Set out the plan: what should change, who does what"]
    if errors:
        raise ValidationError(errors)
    episode.assessment_completed_date = completed_date
    episode.assessment_summary, episode.child_voice = summary.strip(), child_voice.strip()
    episode.plan_started_date, episode.plan_outcomes = completed_date, plan_outcomes.strip()
    episode.full_clean()
    episode.save(
        update_fields=[
            "assessment_completed_date", "assessment_summary", "child_voice", "plan_started_date", "plan_outcomes",
        ]
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.UPDATE, subject=episode, at=now, details={"step": "assessment_complete"})
    return episode


@transaction.atomic
def meeting_record(
    *,
    episode: EarlyHelpEpisode,
    by,
    now: datetime,
    kind: str,
    held_date: date,
    agencies: Iterable[Agency] = (),
    family_attended: bool = True,
    progress: str = "",
    note: str = "",
) -> EarlyHelpMeeting:
    """Record a team around the family meeting or a plan review; the agencies there get access."""
    _require_episode(by, episode, now)
    _require_open(episode)
    agencies = list(agencies)
    errors: dict[str, list[str]] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = ["Choose a team around the family meeting or a plan review"]
    if held_date < episode.assessment_start_date or held_date > uk_date(now):
        errors["held_date"] = ["The meeting date is between the assessment start and today"]
    if kind == MeetingKind.REVIEW and episode.assessment_completed_date is None:
        errors["kind"] = ["There is no plan to review until the assessment is complete"]
    if progress and progress not in Progress.values:
        errors["progress"] = ["Choose the progress made"]
    if kind == MeetingKind.REVIEW and not progress:
        errors["progress"] = ["Say what progress the plan has made"]
    if errors:
        raise ValidationError(errors)
    meeting = EarlyHelpMeeting.objects.create(
        episode=episode, kind=kind, held_date=held_date, family_attended=family_attended, progress=progress,
        note=note.strip(), recorded_by=by, recorded_at=now,
    )  # fmt: skip
    meeting.agencies.set(agencies)
    audit.record(actor=by, action=AuditAction.CREATE, subject=meeting, at=now, details={"kind": kind})
    for agency in agencies:
        _involve(people=[episode.person], agency_id=agency.pk, kind=InvolvementKind.MEETING_INVITEE,
                 episode=episode, now=now, by=by)  # fmt: skip
    return meeting


def _close(episode: EarlyHelpEpisode, *, closed_date: date, reason: str, note: str, by, now: datetime) -> None:
    """Close the episode; the specialists attached to it only (not to a social care case) end with it."""
    errors: dict[str, list[str]] = {}
    if reason not in ClosureReason.values:
        errors["reason"] = ["Choose the reason for closing"]
    if closed_date < episode.assessment_start_date or closed_date > uk_date(now):
        errors["closed_date"] = ["The closure date is between the assessment start and today"]
    last = episode.meetings.order_by("-held_date").values_list("held_date", flat=True).first()
    if last is not None and closed_date < last:
        errors["closed_date"] = [f"A meeting is recorded on {last:%d %B %Y}, after that date"]
    if reason == ClosureReason.OTHER and not note.strip():
        errors["note"] = ["Say why the early help closed"]
    if errors:
        raise ValidationError(errors)
    episode.closed_date, episode.closure_reason, episode.closure_note = closed_date, reason, note.strip()
    episode.closed_by = by
    episode.full_clean()
    episode.save(update_fields=["closed_date", "closure_reason", "closure_note", "closed_by"])
    episode.specialists.filter(ended_date__isnull=True, case_episode__isnull=True).update(ended_date=closed_date)
    audit.record(
        actor=by, action=AuditAction.UPDATE, subject=episode, at=now,
        details={"closed": closed_date.isoformat(), "reason": reason},
    )  # fmt: skip


@transaction.atomic
def episode_close(
    *, episode: EarlyHelpEpisode, by, now: datetime, closed_date: date, reason: str, note: str = ""
) -> EarlyHelpEpisode:
    """Close the early help with its reason (a step up closes it through ``step_up``)."""
    _require_episode(by, episode, now)
    _require_open(episode)
    if reason == ClosureReason.STEP_UP:
        raise ValidationError(
            {"reason": ["Use 'Step up to social care': it makes the referral and links both records"]}
        )
    _close(episode, closed_date=closed_date, reason=reason, note=note, by=by, now=now)
    return episode


@transaction.atomic
def step_up(*, episode: EarlyHelpEpisode, by, now: datetime, step_date: date, reasons: str) -> StepRecord:
    """Step the child up to children's social care: a referral (source 5D, early help) opens or joins
    the social care case, the early help closes as stepped up, and the family's record moves across
    (children's social care gets an involvement with each family member too)."""
    _require_episode(by, episode, now)
    _require_open(episode)
    policy.require(by, STEP, episode.person)
    errors: dict[str, list[str]] = {}
    if not reasons.strip():
        errors["reasons"] = ["Give the reasons for stepping up: what has changed, what the risks are"]
    if step_date < episode.assessment_start_date or step_date > uk_date(now):
        errors["step_date"] = ["The step up date is between the assessment start and today"]
    if errors:
        raise ValidationError(errors)
    referral = referral_create(
        contact=None,
        person=episode.person,
        referral_date=step_date,
        source=ReferralSource.LA_EARLY_HELP,
        by=by,
        now=now,
    )
    case = open_episode_for(episode.person_id)
    if case is None:  # the referral joined nothing and opened nothing: casework refused it
        raise ValidationError("Children's social care could not open the child's case")
    # Specialists move with the family: attached to the social care case as well, not ended.
    episode.specialists.filter(ended_date__isnull=True).update(case_episode=case)
    _close(episode, closed_date=step_date, reason=ClosureReason.STEP_UP, note=reasons, by=by, now=now)
    episode.stepped_up_referral, episode.stepped_up_episode = referral, case
    episode.save(update_fields=["stepped_up_referral", "stepped_up_episode"])
    step = StepRecord.objects.create(
        direction=StepDirection.UP, person=episode.person, early_help=episode, case_episode=case, step_date=step_date,
        reasons=reasons.strip(), decided_by=by, decided_at=now,
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.SHARE, subject=step, at=now,
                 details={"direction": "UP", "referral": referral.pk, "case": case.pk})  # fmt: skip
    csc = Agency.objects.filter(kind=AgencyKind.LA_CHILDREN).order_by("pk").values_list("pk", flat=True).first()
    family = [m.person for m in episode.family.select_related("person")]
    _involve(people=family, agency_id=csc, kind=InvolvementKind.CASE_HOLDER, episode=episode, now=now, by=by)
    return step


@transaction.atomic
def step_down(
    *,
    case_episode,
    by,
    now: datetime,
    step_date: date,
    reasons: str,
    lead_professional=None,
    close_case_reason: str = "",
) -> StepRecord:
    """Step a child down from social care to early help with the reasons.

    Opens the early help episode (origin: step down, linked to the social care case) with the
    family from the child's relationships; when the case is still open it is closed through
    casework's own service with the CIN census reason given (RC7, or RC9 after an assessment).
    """
    child = case_episode.person
    policy.require(by, STEP, child)
    _require_person(by, child, now)
    if not reasons.strip():
        raise ValidationError({"reasons": ["Give the reasons for stepping down and what early help should do"]})
    if step_date > uk_date(now) or step_date < case_episode.referral_date:
        raise ValidationError({"step_date": ["The step down date is between the referral and today"]})
    if case_episode.closure_date is None:
        if close_case_reason not in {"RC7", "RC9"}:
            raise ValidationError({"close_case_reason": ["Choose how the social care case closes (RC7 or RC9)"]})
        case_close(episode=case_episode, closure_date=step_date, reason=close_case_reason, by=by, now=now)
    family = [(p, role) for p, role in family_candidates(child)]
    episode = episode_open(
        child=child, by=by, now=now, origin=EpisodeOrigin.STEP_DOWN, assessment_start_date=step_date,
        origin_reason=reasons, lead_professional=lead_professional, family=family, stepped_down_from=case_episode,
    )  # fmt: skip
    step = StepRecord.objects.create(
        direction=StepDirection.DOWN, person=child, early_help=episode, case_episode=case_episode,
        step_date=step_date, reasons=reasons.strip(), decided_by=by, decided_at=now,
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.SHARE, subject=step, at=now,
                 details={"direction": "DOWN", "case": case_episode.pk, "early_help": episode.pk})  # fmt: skip
    return step


# --- Family Safeguarding Model ---------------------------------------------------------------------
@transaction.atomic
def specialist_attach(
    *,
    child: Person,
    by,
    now: datetime,
    kind: str,
    specialist,
    started_date: date,
    adult: Person | None = None,
    early_help: EarlyHelpEpisode | None = None,
    case_episode=None,
) -> SpecialistAttachment:
    """Attach an adult specialist (domestic abuse, mental health, substance misuse) to the family's case."""
    policy.require(by, RECORD, child)
    _require_person(by, child, now)
    membership = membership_for_user(specialist) if specialist is not None else None
    errors: dict[str, list[str]] = {}
    if kind not in SpecialistKind.values:
        errors["kind"] = ["Choose the specialism"]
    if membership is None or not policy.can(specialist, RECORD):
        errors["specialist"] = ["Choose a practitioner who can record on the case"]
    if early_help is None and case_episode is None:
        errors["kind"] = ["Attach the specialist to the early help or the social care case"]
    for case in (early_help, case_episode):
        if case is not None and case.person_id != child.pk:
            errors["kind"] = ["That case is another child's"]
    if early_help is not None and early_help.closed_date is not None:
        errors["kind"] = ["The early help is closed"]
    if case_episode is not None and case_episode.closure_date is not None:
        errors["kind"] = ["The social care case is closed"]
    if adult is not None and adult.pk not in {p.pk for p, _ in family_candidates(child)}:
        errors["adult"] = ["The adult must be one of the child's family on the person record"]
    if started_date > uk_date(now):
        errors["started_date"] = ["The start date cannot be in the future"]
    if errors:
        raise ValidationError(errors)
    assert membership is not None
    attachment = SpecialistAttachment(
        person=child, early_help=early_help, case_episode=case_episode, kind=kind, specialist=specialist,
        agency=membership.agency, adult=adult, started_date=started_date, attached_by=by, attached_at=now,
    )  # fmt: skip
    attachment.full_clean()
    attachment.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=attachment, at=now, details={"kind": kind})
    people = [child] + ([adult] if adult is not None else [])
    for person in people:
        involvement_record(person=person, agency_id=membership.agency_id, kind=InvolvementKind.PROFESSIONAL,
                           now=now, source=f"earlyhelp.Specialist:{attachment.pk}", by=by)  # fmt: skip
    return attachment


def _require_specialist_or_case_holder(by, attachment: SpecialistAttachment, now: datetime) -> None:
    policy.require(by, RECORD, attachment)
    _require_person(by, attachment.person, now)
    membership = membership_for_user(by)
    if by.pk != attachment.specialist_id and (membership is None or membership.agency_id != attachment.agency_id):
        raise PermissionDenied("Only the specialist (or their service) records their work")


@transaction.atomic
def specialist_entry_record(
    *, attachment: SpecialistAttachment, by, now: datetime, kind: str, entry_date: date, summary: str
) -> SpecialistEntry:
    """Record a piece of the specialist's work with the family (a typed entry)."""
    _require_specialist_or_case_holder(by, attachment, now)
    errors: dict[str, list[str]] = {}
    if attachment.ended_date is not None:
        errors["kind"] = ["The specialist is no longer attached"]
    if kind not in SpecialistEntryKind.values:
        errors["kind"] = ["Choose what kind of work this was"]
    if entry_date < attachment.started_date or entry_date > uk_date(now):
        errors["entry_date"] = ["The date is between the attachment and today"]
    if not summary.strip():
        errors["summary"] = ["Say what was done and what it showed"]
    if errors:
        raise ValidationError(errors)
    entry = SpecialistEntry.objects.create(
        attachment=attachment, kind=kind, entry_date=entry_date, summary=summary.strip(), recorded_by=by,
        recorded_at=now,
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.CREATE, subject=entry, at=now, details={"kind": kind})
    return entry


@transaction.atomic
def specialist_end(*, attachment: SpecialistAttachment, by, now: datetime, ended_date: date) -> SpecialistAttachment:
    """End a specialist's attachment to the family's case."""
    _require_specialist_or_case_holder(by, attachment, now)
    if attachment.ended_date is not None:
        raise ValidationError({"ended_date": ["Already ended"]})
    if ended_date < attachment.started_date or ended_date > uk_date(now):
        raise ValidationError({"ended_date": ["The end date is between the start and today"]})
    attachment.ended_date = ended_date
    attachment.save(update_fields=["ended_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=attachment, at=now, details={"ended": str(ended_date)})
    return attachment
