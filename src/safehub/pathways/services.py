"""Pathway actions. Each names its actor, checks access, validates and audits in one transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from safehub.agencies.models import Agency
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.codes import ReferralSource
from safehub.core.models import AuditAction
from safehub.pathways import rules
from safehub.pathways.access import is_lado_team, may_see_lado_case
from safehub.pathways.models import (
    EHE_REASONS,
    EducationRegisterEntry,
    EducationRegisterKind,
    EducationRegisterReason,
    LadoCase,
    LadoCategory,
    LadoDecision,
    LadoEmployerAction,
    LadoMeetingKind,
    LadoNamed,
    LadoOutcome,
    LadoSector,
    MaracAction,
    MaracLink,
    PfNotifier,
    PrivateFostering,
    PrivateFosteringVisit,
)
from safehub.people import policy
from safehub.people.models import InvolvementKind, Person
from safehub.people.services import involvement_record


def _require_person(by, person: Person, now: datetime) -> None:
    """Every write needs at least read access to the record it writes about."""
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")


# --- LADO ------------------------------------------------------------------------------------------
class LadoCaseHidden(Http404):
    """The case does not exist or the user may not know it exists (never a 403)."""


def _require_lado_visible(by, case: LadoCase) -> None:
    if not may_see_lado_case(by, case):
        raise LadoCaseHidden("No such case")


def _require_lado_team(by, case: LadoCase) -> None:
    # Visibility first: someone not named learns "not found", never that the case exists.
    _require_lado_visible(by, case)
    policy.require(by, "pathways.lado_manage", case)
    if not is_lado_team(by):
        raise PermissionDenied("Only the LADO team manages allegations")


@transaction.atomic
def lado_refer(
    *,
    by,
    now: datetime,
    referred_at: datetime,
    subject_name: str,
    subject_role: str,
    employer: Agency | None,
    employer_name: str,
    sector: str,
    category: str,
    summary: str,
) -> LadoCase:
    """Refer an allegation against someone who works with children to the designated officer."""
    membership = policy.require(by, "pathways.lado_refer")
    errors: dict[str, list[str]] = {}
    if not subject_name.strip():
        errors["subject_name"] = ["Enter the name of the person the allegation is about"]
    if not subject_role.strip():
        errors["subject_role"] = ["Enter their role (for example teaching assistant, foster carer)"]
    if employer is None and not employer_name.strip():
        errors["employer_name"] = ["Enter who employs them, or the organisation they volunteer for"]
    if sector not in LadoSector.values:
        errors["sector"] = ["Choose the sector they work in"]
    if category not in LadoCategory.values:
        errors["category"] = ["Choose the category of the allegation"]
    if not summary.strip():
        errors["summary"] = ["Say what is alleged"]
    if referred_at > now:
        errors["referred_at"] = ["The referral time cannot be in the future"]
    if errors:
        raise ValidationError(errors)
    case = LadoCase(
        referred_at=referred_at,
        referred_by=by,
        referrer_agency=membership.agency,
        subject_name=subject_name.strip(),
        subject_role=subject_role.strip(),
        employer=employer,
        employer_name=(employer_name.strip() or (employer.name if employer else "")),
        sector=sector,
        category=category,
        summary=summary.strip(),
        initial_consideration_due_at=rules.lado_initial_consideration_due(referred_at),
    )
    case.full_clean()
    case.save()
    # The referrer is named: they follow what happens to the allegation they raised.
    LadoNamed.objects.create(case=case, user=by, added_by=by, added_at=now, why="Made the referral")
    audit.record(actor=by, action=AuditAction.CREATE, subject=case, at=now, details={"sector": sector})
    return case


@transaction.atomic
def lado_initial_consideration(
    *, case: LadoCase, by, now: datetime, considered_at: datetime, decision: str, rationale: str
) -> LadoCase:
    """Record the designated officer's initial consideration (due within 1 working day)."""
    _require_lado_team(by, case)
    errors: dict[str, list[str]] = {}
    if decision not in LadoDecision.values:
        errors["decision"] = ["Choose the decision"]
    if not rationale.strip():
        errors["rationale"] = ["Give the reasons for the decision"]
    if considered_at < case.referred_at:
        errors["considered_at"] = ["The consideration cannot be before the referral"]
    if considered_at > now:
        errors["considered_at"] = ["The consideration cannot be in the future"]
    if case.considered_at is not None:
        errors["decision"] = ["The initial consideration is already recorded"]
    if errors:
        raise ValidationError(errors)
    case.considered_at, case.considered_by = considered_at, by
    case.decision, case.decision_rationale = decision, rationale.strip()
    case.full_clean()
    case.save(update_fields=["considered_at", "considered_by", "decision", "decision_rationale"])
    on_time = rules.lado_initial_consideration_on_time(case.referred_at, considered_at, as_of=now)
    audit.record(
        actor=by, action=AuditAction.UPDATE, subject=case, at=now, details={"step": "initial", "on_time": on_time}
    )
    return case


@transaction.atomic
def lado_meeting_record(*, case: LadoCase, by, now: datetime, kind: str, meeting_at: datetime, note: str) -> LadoCase:
    """Record the strategy or allegations evaluation meeting."""
    _require_lado_team(by, case)
    errors: dict[str, list[str]] = {}
    if kind not in LadoMeetingKind.values:
        errors["kind"] = ["Choose strategy or evaluation meeting"]
    if case.considered_at is None:
        errors["kind"] = ["Record the initial consideration first"]
    elif case.decision == LadoDecision.ADVICE:
        errors["kind"] = ["The harm test was not met: there is no meeting to record"]
    if meeting_at < case.referred_at:
        errors["meeting_at"] = ["The meeting cannot be before the referral"]
    if errors:
        raise ValidationError(errors)
    case.meeting_kind, case.meeting_at, case.meeting_note = kind, meeting_at, note.strip()
    case.save(update_fields=["meeting_kind", "meeting_at", "meeting_note"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=case, at=now, details={"step": "meeting"})
    return case


@transaction.atomic
def lado_outcome_record(
    *, case: LadoCase, by, now: datetime, outcome: str, outcome_date: date, employer_actions: list[str], note: str
) -> LadoCase:
    """Record the outcome of the allegation and the employer's actions, and close the case."""
    _require_lado_team(by, case)
    errors: dict[str, list[str]] = {}
    if outcome not in LadoOutcome.values:
        errors["outcome"] = ["Choose the outcome"]
    unknown = [a for a in employer_actions if a not in LadoEmployerAction.values]
    if unknown or not employer_actions:
        errors["employer_actions"] = ["Choose what the employer did (or 'No action')"]
    if LadoEmployerAction.NONE in employer_actions and len(employer_actions) > 1:
        errors["employer_actions"] = ["'No action' cannot go with another action"]
    if case.considered_at is None:
        errors["outcome"] = ["Record the initial consideration first"]
    elif outcome_date < uk_date(case.referred_at) or outcome_date > uk_date(now):
        errors["outcome_date"] = ["The outcome date is between the referral and today"]
    if errors:
        raise ValidationError(errors)
    case.outcome, case.outcome_date = outcome, outcome_date
    case.employer_actions, case.employer_actions_note = list(employer_actions), note.strip()
    case.closed_at = now
    case.full_clean()
    case.save(update_fields=["outcome", "outcome_date", "employer_actions", "employer_actions_note", "closed_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=case, at=now, details={"step": "outcome"})
    return case


@transaction.atomic
def lado_name_user(*, case: LadoCase, by, now: datetime, username: str, why: str) -> LadoNamed:
    """Name a user on the case (for example the employer's HR lead): they may then see it."""
    _require_lado_team(by, case)
    user = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"username": ["No active user with that username"]})
    if not why.strip():
        raise ValidationError({"why": ["Say why they are named on the case"]})
    if case.named.filter(user=user).exists():
        raise ValidationError({"username": ["They are already named on this case"]})
    named = LadoNamed.objects.create(case=case, user=user, added_by=by, added_at=now, why=why.strip())
    audit.record(
        actor=by, action=AuditAction.SHARE, subject=case, at=now, details={"named": user.username, "why": why.strip()}
    )
    return named


# --- Private fostering -----------------------------------------------------------------------------
@transaction.atomic
def private_fostering_notify(
    *,
    person: Person,
    by,
    now: datetime,
    notified_date: date,
    notified_by_kind: str,
    carer_name: str,
    carer_relationship: str,
    arrangement_started_date: date | None = None,
    intended_duration: str = "",
) -> PrivateFostering:
    """Record a private fostering notification; the initial visit is due within 7 working days."""
    policy.require(by, "pathways.record", person)
    _require_person(by, person, now)
    errors: dict[str, list[str]] = {}
    if notified_date > uk_date(now):
        errors["notified_date"] = ["The notification date cannot be in the future"]
    if notified_by_kind not in PfNotifier.values:
        errors["notified_by_kind"] = ["Choose who notified the arrangement"]
    if not carer_name.strip():
        errors["carer_name"] = ["Enter the private foster carer's name"]
    if not carer_relationship.strip():
        errors["carer_relationship"] = ["Say how the carer knows the child"]
    if not rules.pf_child_in_scope(age=person.age_on(notified_date), disabled=bool(person.disabilities)):
        errors["notified_date"] = ["Private fostering is for children under 16 (under 18 if disabled)"]
    if PrivateFostering.objects.filter(person=person, ended_date__isnull=True).exists():
        errors["carer_name"] = ["This child already has an open private fostering arrangement"]
    if errors:
        raise ValidationError(errors)
    arrangement = PrivateFostering(
        person=person,
        notified_date=notified_date,
        notified_by_kind=notified_by_kind,
        carer_name=carer_name.strip(),
        carer_relationship=carer_relationship.strip(),
        arrangement_started_date=arrangement_started_date,
        intended_duration=intended_duration.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    arrangement.full_clean()
    arrangement.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=arrangement, at=now)
    return arrangement


@transaction.atomic
def private_fostering_visit_record(
    *, arrangement: PrivateFostering, by, now: datetime, visited_date: date, child_seen_alone: bool, note: str = ""
) -> PrivateFosteringVisit:
    """Record a statutory visit to a privately fostered child."""
    policy.require(by, "pathways.record", arrangement)
    _require_person(by, arrangement.person, now)
    if visited_date > uk_date(now):
        raise ValidationError({"visited_date": ["The visit cannot be in the future"]})
    if visited_date < arrangement.notified_date:
        raise ValidationError({"visited_date": ["The visit cannot be before the notification"]})
    if arrangement.ended_date and visited_date > arrangement.ended_date:
        raise ValidationError({"visited_date": ["The arrangement had ended by then"]})
    visit = PrivateFosteringVisit.objects.create(
        arrangement=arrangement,
        visited_date=visited_date,
        child_seen_alone=child_seen_alone,
        note=note.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=visit, at=now)
    return visit


@transaction.atomic
def private_fostering_end(
    *, arrangement: PrivateFostering, by, now: datetime, ended_date: date, reason: str
) -> PrivateFostering:
    """Record the end of the arrangement (regulation 10 notification)."""
    policy.require(by, "pathways.record", arrangement)
    _require_person(by, arrangement.person, now)
    if arrangement.ended_date is not None:
        raise ValidationError({"ended_date": ["The arrangement has already ended"]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the arrangement ended"]})
    if ended_date < arrangement.notified_date or ended_date > uk_date(now):
        raise ValidationError({"ended_date": ["The end date is between the notification and today"]})
    arrangement.ended_date, arrangement.end_reason = ended_date, reason.strip()
    arrangement.full_clean()
    arrangement.save(update_fields=["ended_date", "end_reason"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=arrangement, at=now, details={"step": "end"})
    return arrangement


# --- Children missing education / elective home education ----------------------------------------
@transaction.atomic
def education_register_add(
    *,
    person: Person,
    by,
    now: datetime,
    kind: str,
    reason: str,
    reported_date: date,
    last_setting: Agency | None = None,
    note: str = "",
    safeguarding_concern: bool = False,
) -> EducationRegisterEntry:
    """Put a child on the children missing education or elective home education register."""
    membership = policy.require(by, "pathways.record", person)
    _require_person(by, person, now)
    errors: dict[str, list[str]] = {}
    if kind not in EducationRegisterKind.values:
        errors["kind"] = ["Choose missing education or elective home education"]
    if reason not in EducationRegisterReason.values:
        errors["reason"] = ["Choose the reason"]
    elif kind == EducationRegisterKind.EHE and reason not in EHE_REASONS | {EducationRegisterReason.OTHER}:
        errors["reason"] = ["Choose a home education reason"]
    elif kind == EducationRegisterKind.CME and reason in EHE_REASONS:
        errors["reason"] = ["That reason is for home education"]
    if reported_date > uk_date(now):
        errors["reported_date"] = ["The date cannot be in the future"]
    if safeguarding_concern and not note.strip():
        errors["note"] = ["Describe the safeguarding concern"]
    if EducationRegisterEntry.objects.filter(person=person, kind=kind, education_restarted_date__isnull=True).exists():
        errors["kind"] = ["This child is already on that register"]
    if errors:
        raise ValidationError(errors)
    entry = EducationRegisterEntry(
        person=person,
        kind=kind,
        reason=reason,
        last_setting=last_setting,
        reported_date=reported_date,
        reported_by=by,
        reporting_agency=membership.agency,
        recorded_at=now,
        note=note.strip(),
        safeguarding_concern=safeguarding_concern,
    )
    entry.full_clean()
    entry.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=entry, at=now, details={"kind": kind})
    return entry


@transaction.atomic
def education_register_restart(
    *, entry: EducationRegisterEntry, by, now: datetime, restarted_date: date, setting: Agency | None
) -> EducationRegisterEntry:
    """Record the date the child's education restarted (on a school roll, or suitable provision)."""
    policy.require(by, "pathways.record", entry)
    _require_person(by, entry.person, now)
    if entry.education_restarted_date is not None:
        raise ValidationError({"restarted_date": ["Education restart is already recorded"]})
    if restarted_date < entry.reported_date or restarted_date > uk_date(now):
        raise ValidationError({"restarted_date": ["The restart date is between the report and today"]})
    entry.education_restarted_date, entry.restarted_setting = restarted_date, setting
    entry.full_clean()
    entry.save(update_fields=["education_restarted_date", "restarted_setting"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=entry, at=now, details={"step": "restart"})
    return entry


@transaction.atomic
def education_register_refer(*, entry: EducationRegisterEntry, by, now: datetime, concern: str):
    """Send a safeguarding concern about a child on the register to the front door (a contact)."""
    from safehub.frontdoor.models import Consent, LawfulBasis
    from safehub.frontdoor.services import ChildEntry, contact_record

    policy.require(by, "pathways.record", entry)
    _require_person(by, entry.person, now)
    if entry.contact_id is not None:
        raise ValidationError({"concern": ["This entry has already been sent to the front door"]})
    if not concern.strip():
        raise ValidationError({"concern": ["Describe the safeguarding concern"]})
    person = entry.person
    membership = policy.require(by, "pathways.record")
    source = ReferralSource.SCHOOLS if membership.agency.kind == "SCHOOL" else ReferralSource.EDUCATION_SERVICES
    contacts = contact_record(
        by=by,
        now=now,
        children=[
            ChildEntry(
                family_name=person.family_name,
                given_name=person.given_name,
                date_of_birth=person.date_of_birth,
                sex=person.sex,
                ethnicity=person.ethnicity,
                voice_not_recorded_reason="Child not seen: missing education or home educated",
                person_id=person.pk,
            )
        ],
        source=source,
        received_at=now,
        summary=f"{entry.get_kind_display()} ({entry.get_reason_display()}): {concern.strip()}",
        consent=Consent.NOT_SOUGHT,
        lawful_basis=LawfulBasis.SAFEGUARDING,
        referrer_role=membership.job_title or membership.get_role_display(),
    )
    entry.contact = contacts[0]
    entry.safeguarding_concern = True
    entry.save(update_fields=["contact", "safeguarding_concern"])
    audit.record(actor=by, action=AuditAction.SHARE, subject=entry, at=now, details={"contact": contacts[0].pk})
    return contacts[0]


# --- MARAC -----------------------------------------------------------------------------------------
@transaction.atomic
def marac_link_record(
    *,
    person: Person,
    by,
    now: datetime,
    referred_date: date,
    dash_score: int | None,
    professional_judgement: bool,
    judgement_reason: str = "",
    meeting_date: date | None = None,
    marac_reference: str = "",
) -> MaracLink:
    """Record that a high-risk domestic abuse case was referred to MARAC (DASH 14+ or judgement)."""
    membership = policy.require(by, "pathways.record", person)
    _require_person(by, person, now)
    errors: dict[str, list[str]] = {}
    if dash_score is not None and not 0 <= dash_score <= rules.DASH_QUESTIONS:
        errors["dash_score"] = [f"A DASH score is between 0 and {rules.DASH_QUESTIONS}"]
    elif not rules.marac_eligible(dash_score=dash_score, professional_judgement=professional_judgement):
        errors["dash_score"] = [
            "MARAC is for high-risk cases: a DASH score of 14 or more, or professional judgement with the reason"
        ]
    if professional_judgement and not judgement_reason.strip():
        errors["judgement_reason"] = ["Give the reason for the professional judgement"]
    if referred_date > uk_date(now):
        errors["referred_date"] = ["The referral date cannot be in the future"]
    if meeting_date is not None and meeting_date < referred_date:
        errors["meeting_date"] = ["The meeting cannot be before the referral"]
    if errors:
        raise ValidationError(errors)
    earlier = list(MaracLink.objects.filter(person=person).values_list("referred_date", flat=True))
    link = MaracLink(
        person=person,
        dash_score=dash_score,
        professional_judgement=professional_judgement,
        judgement_reason=judgement_reason.strip(),
        referred_date=referred_date,
        referring_agency=membership.agency,
        recorded_by=by,
        recorded_at=now,
        marac_reference=marac_reference.strip(),
        meeting_date=meeting_date,
        repeat=rules.marac_is_repeat(referred_date, earlier),
    )
    link.full_clean()
    link.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=link, at=now, details={"repeat": link.repeat})
    return link


@transaction.atomic
def marac_meeting_set(*, link: MaracLink, by, now: datetime, meeting_date: date, marac_reference: str) -> MaracLink:
    """Record the MARAC meeting date (and the MARAC's own reference)."""
    policy.require(by, "pathways.record", link)
    _require_person(by, link.person, now)
    if meeting_date < link.referred_date:
        raise ValidationError({"meeting_date": ["The meeting cannot be before the referral"]})
    link.meeting_date, link.marac_reference = meeting_date, marac_reference.strip() or link.marac_reference
    link.save(update_fields=["meeting_date", "marac_reference"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=link, at=now, details={"step": "meeting"})
    return link


@transaction.atomic
def marac_action_add(
    *, link: MaracLink, by, now: datetime, agency: Agency, action: str, due_date: date | None
) -> MaracAction:
    """Record an action the MARAC gave an agency."""
    policy.require(by, "pathways.record", link)
    _require_person(by, link.person, now)
    if not action.strip():
        raise ValidationError({"action": ["Describe the action"]})
    if link.meeting_date is None:
        raise ValidationError({"action": ["Record the MARAC meeting date first: actions come from the meeting"]})
    item = MaracAction.objects.create(
        link=link, agency=agency, action=action.strip(), due_date=due_date, recorded_by=by, recorded_at=now
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=item, at=now)
    # An agency given an action at the MARAC about this person has a legitimate relationship with
    # the record (as an agency invited to a meeting about them does): it can open it to do the work.
    involvement_record(
        person=link.person,
        agency_id=agency.pk,
        kind=InvolvementKind.MEETING_INVITEE,
        now=now,
        source=f"pathways.MaracLink:{link.pk}",
        by=by,
    )
    return item


@transaction.atomic
def marac_action_complete(*, item: MaracAction, by, now: datetime, completed_date: date) -> MaracAction:
    """Mark an agency's MARAC action done (by the agency itself or the referrer)."""
    policy.require(by, "pathways.record", item)
    _require_person(by, item.link.person, now)
    membership = policy.require(by, "pathways.record")
    if membership.agency_id not in {item.agency_id, item.link.referring_agency_id}:
        raise PermissionDenied("Only the agency given the action, or the referrer, marks it done")
    if completed_date > uk_date(now):
        raise ValidationError({"completed_date": ["The date cannot be in the future"]})
    item.completed_date = completed_date
    item.save(update_fields=["completed_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=item, at=now, details={"step": "complete"})
    return item
