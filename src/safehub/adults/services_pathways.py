"""Writes for the pathways beside the s42 enquiry (CONVENTIONS 3): self-neglect and hoarding,
provider concerns and large-scale enquiries, people in positions of trust (PiPoT).

Care and support statutory guidance, chapter 14: self-neglect is a category of abuse and neglect
that may need a multi-agency response whether or not the s42 duty applies; organisational abuse
and concerns about a provider are handled as one response across the adults affected (the SAC
counts each adult at risk of a large-scale enquiry, as each has an enquiry); allegations against
people in positions of trust are managed by the employer with the council's oversight, and
referred to the children's LADO where the person also works with children.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from safehub.adults import rules
from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.adults.models_pathways import (
    Engagement,
    PositionOfTrustCase,
    PositionOfTrustOutcome,
    ProviderCase,
    ProviderQualityAction,
    SelfNeglectAction,
    SelfNeglectCase,
    SelfNeglectMeeting,
    SelfNeglectOutcome,
)
from safehub.adults.services import council_for, is_council_staff
from safehub.agencies.models import Agency, AgencyKind, Role
from safehub.core import audit, calendar
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.people import policy
from safehub.people.models import Person

# PiPoT records name someone who is not the adult at risk, often before anything is found: only
# the council's adult safeguarding managers hold them.
PIPOT_ROLES = frozenset({Role.FRONT_DOOR_MANAGER})


def _council(by) -> Agency:
    policy.require(by, "adults.decide")
    council = council_for(by)
    if council is None or not is_council_staff(by, council.pk):
        raise PermissionDenied("Only the council's adult social care staff may do this")
    return council


def _require_case(by, case: SelfNeglectCase, now: datetime) -> None:
    _council(by)
    if policy.agency_id_of(by) != case.council_id:
        raise PermissionDenied("Only the council that holds the case may change it")
    if not policy.person_access(by, case.person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")


def _not_future(day: date | None, now: datetime, field: str) -> None:
    if day is not None and day > calendar.uk_date(now):
        raise ValidationError({field: "This date cannot be in the future"})


def _text(value: str | None) -> str:
    return (value or "").strip()


def _bump(case: SelfNeglectCase, expected_version: int, fields: list[str]) -> None:
    updated = SelfNeglectCase.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, **{f: getattr(case, f) for f in fields}
    )
    if not updated:
        raise StaleEdit(SelfNeglectCase.objects.values_list("version", flat=True).get(pk=case.pk))
    case.version = expected_version + 1


# ---------------------------------------------------------------------------------------------
# Self-neglect and hoarding
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def self_neglect_open(
    *,
    person: Person,
    by,
    now: datetime,
    opened_on: date,
    reason: str,
    engagement: str,
    adult_view: str,
    hoarding: bool = False,
    clutter_rating: int | None = None,
    next_review_date: date | None = None,
    concern: SafeguardingConcern | None = None,
    enquiry: Enquiry | None = None,
) -> SelfNeglectCase:
    """Open the multi-agency risk management route, with or without a section 42 enquiry."""
    council = _council(by)
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")
    errors: dict[str, str] = {}
    if not _text(reason):
        errors["reason"] = "Describe the self-neglect or hoarding and the risks"
    if engagement not in Engagement.values:
        errors["engagement"] = "Say how far the adult is engaging"
    if not _text(adult_view):
        errors["adult_view"] = "Record the adult's own view of their situation"
    if not rules.clutter_rating_valid(clutter_rating):
        errors["clutter_rating"] = "The clutter image rating is 1 to 9"
    for linked, name in ((concern, "concern"), (enquiry, "enquiry")):
        if linked is not None and linked.person_id != person.pk:
            errors[name] = f"The {name} is about someone else"
    if next_review_date and next_review_date < opened_on:
        errors["next_review_date"] = "The review cannot be before the case opened"
    if errors:
        raise ValidationError(errors)
    _not_future(opened_on, now, "opened_on")
    case = SelfNeglectCase.objects.create(
        person=person,
        council=council,
        concern=concern,
        enquiry=enquiry,
        opened_on=opened_on,
        reason=_text(reason),
        hoarding=hoarding,
        clutter_rating=clutter_rating,
        engagement=engagement,
        adult_view=_text(adult_view),
        next_review_date=next_review_date,
        opened_by=by,
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=case, at=now, details={"s42": enquiry is not None})
    return case


@transaction.atomic
def self_neglect_update(
    *,
    case: SelfNeglectCase,
    by,
    now: datetime,
    expected_version: int,
    clutter_rating: int | None,
    engagement: str,
    adult_view: str,
    next_review_date: date | None,
) -> SelfNeglectCase:
    """Record the latest clutter rating, engagement, the adult's view and the next review date."""
    _require_case(by, case, now)
    if not case.is_open:
        raise ValidationError("This case is closed")
    if not rules.clutter_rating_valid(clutter_rating):
        raise ValidationError({"clutter_rating": "The clutter image rating is 1 to 9"})
    if engagement not in Engagement.values:
        raise ValidationError({"engagement": "Say how far the adult is engaging"})
    if not _text(adult_view):
        raise ValidationError({"adult_view": "Record the adult's own view of their situation"})
    case.clutter_rating, case.engagement = clutter_rating, engagement
    case.adult_view, case.next_review_date = _text(adult_view), next_review_date
    _bump(case, expected_version, ["clutter_rating", "engagement", "adult_view", "next_review_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=case, at=now, details={"clutter": clutter_rating})
    return case


@transaction.atomic
def self_neglect_meeting_add(
    *,
    case: SelfNeglectCase,
    by,
    now: datetime,
    held_on: date,
    attendees: str,
    summary: str,
    next_review_date: date | None,
) -> SelfNeglectMeeting:
    """Record a multi-agency risk management meeting; its review date becomes the case's."""
    _require_case(by, case, now)
    if not case.is_open:
        raise ValidationError("This case is closed")
    if not _text(attendees) or not _text(summary):
        raise ValidationError({"attendees": "Record who attended and what was agreed"})
    _not_future(held_on, now, "held_on")
    if held_on < case.opened_on:
        raise ValidationError({"held_on": "The meeting cannot be before the case opened"})
    if next_review_date and next_review_date < held_on:
        raise ValidationError({"next_review_date": "The review cannot be before the meeting"})
    meeting = SelfNeglectMeeting.objects.create(
        case=case,
        held_on=held_on,
        attendees=_text(attendees),
        summary=_text(summary),
        next_review_date=next_review_date,
        recorded_by=by,
    )
    # A meeting that sets no new review date leaves the one already set (it does not clear it).
    SelfNeglectCase.objects.filter(pk=case.pk).update(
        next_review_date=next_review_date or case.next_review_date, version=F("version") + 1
    )
    case.refresh_from_db()
    audit.record(actor=by, action=AuditAction.CREATE, subject=meeting, at=now)
    return meeting


@transaction.atomic
def self_neglect_action_add(
    *, case: SelfNeglectCase, by, now: datetime, agency: Agency, description: str, due_date: date
) -> SelfNeglectAction:
    """Agree an action for one agency (fire service home check, housing, GP review...)."""
    _require_case(by, case, now)
    if not case.is_open:
        raise ValidationError("This case is closed")
    if not _text(description):
        raise ValidationError({"description": "Say what the agency will do"})
    action = SelfNeglectAction.objects.create(
        case=case, agency=agency, description=_text(description)[:500], due_date=due_date
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=action, at=now, details={"agency": agency.pk})
    return action


@transaction.atomic
def self_neglect_action_complete(
    *, action: SelfNeglectAction, by, now: datetime, completed_on: date
) -> SelfNeglectAction:
    _require_case(by, action.case, now)
    _not_future(completed_on, now, "completed_on")
    action.completed_on = completed_on
    action.save(update_fields=["completed_on"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=action, at=now, details={"completed": True})
    return action


@transaction.atomic
def self_neglect_escalate(
    *, case: SelfNeglectCase, by, now: datetime, expected_version: int, escalated_on: date, reason: str
) -> SelfNeglectCase:
    """Escalate the case (to senior managers or the partnership's high-risk panel), with the reason."""
    _require_case(by, case, now)
    if not case.is_open:
        raise ValidationError("This case is closed")
    if not _text(reason):
        raise ValidationError({"escalation_reason": "Say why the case is escalated"})
    _not_future(escalated_on, now, "escalated_on")
    case.escalated_on, case.escalation_reason = escalated_on, _text(reason)
    _bump(case, expected_version, ["escalated_on", "escalation_reason"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=case, at=now, details={"escalated": True})
    return case


@transaction.atomic
def self_neglect_close(
    *, case: SelfNeglectCase, by, now: datetime, expected_version: int, closed_on: date, outcome: str, summary: str
) -> SelfNeglectCase:
    """Close the case with its outcome; agencies' open actions must be completed first."""
    _require_case(by, case, now)
    errors: dict[str, str] = {}
    if not case.is_open:
        errors["closed_on"] = "This case is already closed"
    if outcome not in SelfNeglectOutcome.values:
        errors["closure_outcome"] = "Choose the outcome"
    if not _text(summary):
        errors["closure_summary"] = "Summarise the outcome, and the adult's view of it"
    if closed_on < case.opened_on:
        errors["closed_on"] = "The case cannot close before it opened"
    if case.actions.filter(completed_on__isnull=True).exists():
        errors["actions"] = "Complete (or record as done) every agency's action first"
    if errors:
        raise ValidationError(errors)
    _not_future(closed_on, now, "closed_on")
    case.closed_on, case.closure_outcome, case.closure_summary = closed_on, outcome, _text(summary)
    _bump(case, expected_version, ["closed_on", "closure_outcome", "closure_summary"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=case, at=now, details={"closed": outcome})
    return case


# ---------------------------------------------------------------------------------------------
# Provider concerns and large-scale enquiries
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def provider_case_open(
    *, provider: Agency, by, now: datetime, opened_on: date, summary: str, large_scale: bool
) -> ProviderCase:
    """Open one case for concerns about a provider, to which each affected adult's enquiry is linked."""
    council = _council(by)
    if provider.kind not in (AgencyKind.CARE_PROVIDER, AgencyKind.HEALTH_TRUST):
        raise ValidationError({"provider": "Choose a care provider or health trust"})
    if not _text(summary):
        raise ValidationError({"summary": "Summarise the concerns about the provider"})
    _not_future(opened_on, now, "opened_on")
    case = ProviderCase.objects.create(
        provider=provider, council=council, opened_on=opened_on, summary=_text(summary), large_scale=large_scale,
        opened_by=by,
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.CREATE, subject=case, at=now, details={"provider": provider.pk})
    return case


def _require_provider_case(by, case: ProviderCase) -> None:
    _council(by)
    if policy.agency_id_of(by) != case.council_id:
        raise PermissionDenied("Only the council that holds the provider case may change it")


@transaction.atomic
def provider_case_link_enquiry(*, case: ProviderCase, enquiry: Enquiry, by, now: datetime) -> Enquiry:
    """Link an adult's enquiry to the provider case (each adult keeps their own enquiry and SAC count)."""
    _require_provider_case(by, case)
    if enquiry.council_id != case.council_id:
        raise PermissionDenied("The enquiry belongs to another council")
    if not policy.person_access(by, enquiry.person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")
    if enquiry.provider_case_id not in (None, case.pk):
        raise ValidationError({"enquiry": "This enquiry is already part of another provider case"})
    Enquiry.objects.filter(pk=enquiry.pk).update(provider_case=case)
    enquiry.provider_case = case
    audit.record(actor=by, action=AuditAction.UPDATE, subject=enquiry, at=now, details={"provider_case": case.pk})
    return enquiry


@transaction.atomic
def provider_quality_action_add(
    *, case: ProviderCase, by, now: datetime, description: str, due_date: date
) -> ProviderQualityAction:
    _require_provider_case(by, case)
    if not _text(description):
        raise ValidationError({"description": "Say what the provider must do"})
    action = ProviderQualityAction.objects.create(case=case, description=_text(description)[:500], due_date=due_date)
    audit.record(actor=by, action=AuditAction.CREATE, object_type="adults.ProviderQualityAction",
                 object_id=str(action.pk), at=now)  # fmt: skip
    return action


@transaction.atomic
def provider_cqc_notified(*, case: ProviderCase, by, now: datetime, notified_on: date, reference: str) -> ProviderCase:
    """Record that the Care Quality Commission was told, and its reference."""
    _require_provider_case(by, case)
    _not_future(notified_on, now, "cqc_notified_on")
    case.cqc_notified_on, case.cqc_reference = notified_on, _text(reference)[:60]
    case.save(update_fields=["cqc_notified_on", "cqc_reference"])
    audit.record(actor=by, action=AuditAction.UPDATE, object_type="adults.ProviderCase", object_id=str(case.pk),
                 at=now, details={"cqc": True})  # fmt: skip
    return case


# ---------------------------------------------------------------------------------------------
# People in positions of trust
# ---------------------------------------------------------------------------------------------


def require_pipot(by) -> Agency:
    """Return the council if ``by`` may hold PiPoT records: its adult safeguarding managers only."""
    council = _council(by)
    if policy.role_of(by) not in PIPOT_ROLES:
        raise PermissionDenied("Position-of-trust records are restricted to adult safeguarding managers")
    return council


@transaction.atomic
def pipot_record(
    *,
    by,
    now: datetime,
    subject_name: str,
    role: str,
    received_on: date,
    allegation: str,
    employer: Agency | None = None,
    employer_name: str = "",
    works_with_children: bool = False,
) -> PositionOfTrustCase:
    """Record an allegation about someone who works or volunteers with adults."""
    council = require_pipot(by)
    errors = {
        name: message
        for name, value, message in (
            ("subject_name", subject_name, "Name the person the allegation is about"),
            ("role", role, "Give their role"),
            ("allegation", allegation, "Describe the allegation"),
        )
        if not _text(value)
    }
    if employer is None and not _text(employer_name):
        errors["employer"] = "Give the employer or organisation"
    if errors:
        raise ValidationError(errors)
    _not_future(received_on, now, "received_on")
    case = PositionOfTrustCase.objects.create(
        council=council, subject_name=_text(subject_name)[:200], employer=employer,
        employer_name=_text(employer_name)[:200], role=_text(role)[:200], works_with_children=works_with_children,
        received_on=received_on, allegation=_text(allegation), recorded_by=by,
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.CREATE, object_type="adults.PositionOfTrustCase",
                 object_id=str(case.pk), at=now)  # fmt: skip
    return case


@transaction.atomic
def pipot_refer_to_lado(
    *, case: PositionOfTrustCase, by, now: datetime, referred_on: date, reference: str
) -> PositionOfTrustCase:
    """Record the referral to the children's LADO for someone who also works with children."""
    require_pipot(by)
    if not case.works_with_children:
        raise ValidationError({"lado_reference": "Record first that the person also works with children"})
    if not _text(reference):
        raise ValidationError({"lado_reference": "Give the LADO's reference"})
    _not_future(referred_on, now, "lado_referred_on")
    case.lado_referred_on, case.lado_reference = referred_on, _text(reference)[:60]
    case.save(update_fields=["lado_referred_on", "lado_reference"])
    audit.record(actor=by, action=AuditAction.SHARE, object_type="adults.PositionOfTrustCase",
                 object_id=str(case.pk), at=now, details={"lado": True})  # fmt: skip
    return case


@transaction.atomic
def pipot_close(
    *, case: PositionOfTrustCase, by, now: datetime, closed_on: date, outcome: str, actions: str
) -> PositionOfTrustCase:
    """Close with the outcome (substantiated ... unfounded) and the employer's and council's actions."""
    require_pipot(by)
    if outcome not in PositionOfTrustOutcome.values:
        raise ValidationError({"outcome": "Choose the outcome"})
    if not _text(actions):
        raise ValidationError({"actions": "Record the actions taken (or why none)"})
    if closed_on < case.received_on:
        raise ValidationError({"closed_on": "The case cannot close before it was received"})
    _not_future(closed_on, now, "closed_on")
    case.closed_on, case.outcome, case.actions = closed_on, outcome, _text(actions)
    case.save(update_fields=["closed_on", "outcome", "actions"])
    audit.record(actor=by, action=AuditAction.UPDATE, object_type="adults.PositionOfTrustCase",
                 object_id=str(case.pk), at=now, details={"outcome": outcome})  # fmt: skip
    return case
