"""Mental Capacity Act writes: capacity assessments, best interests, advocacy, DoLS (CONVENTIONS 3).

Each write checks the permission and the read access to the adult, computes outcomes and dates
from ``adults/rules.py`` (the law's rules in one place) and writes its audit row in the same
transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from safehub.adults import rules
from safehub.adults.models import Enquiry
from safehub.adults.models_mca import (
    Advocacy,
    AdvocacyKind,
    BestInterestsDecision,
    CapacityAssessment,
    CapacityOutcome,
    DolsApplication,
    DolsKind,
    DolsOutcome,
)
from safehub.adults.services import council_for, is_council_staff
from safehub.agencies.models import Agency, AgencyKind
from safehub.core import audit, calendar
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.core.timescales import timescale
from safehub.people import policy
from safehub.people.models import Person

MANAGING_AUTHORITY_KINDS = (AgencyKind.CARE_PROVIDER, AgencyKind.HEALTH_TRUST)


def _require_practitioner(by, person: Person, now: datetime) -> None:
    if not (policy.can(by, "adults.enquiry") or policy.can(by, "adults.decide")):
        raise PermissionDenied("not allowed: adults")
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")


def _require_council(by, person: Person, now: datetime) -> Agency:
    policy.require(by, "adults.decide")
    council = council_for(by)
    if council is None or not is_council_staff(by, council.pk):
        raise PermissionDenied("Only the council's adult social care staff may do this")
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")
    return council


def _not_future(day: date | None, now: datetime, field: str, errors: dict[str, str]) -> None:
    if day is not None and day > calendar.uk_date(now):
        errors[field] = "This date cannot be in the future"


def _text(value: str | None) -> str:
    return (value or "").strip()


@transaction.atomic
def capacity_assess(
    *,
    person: Person,
    by,
    now: datetime,
    decision: str,
    impairment: bool,
    can_understand: bool,
    can_retain: bool,
    can_use_or_weigh: bool,
    can_communicate: bool,
    because_of_impairment: bool,
    support_given: str,
    assessed_on: date,
    impairment_detail: str = "",
    assessor_role: str = "",
    enquiry: Enquiry | None = None,
) -> CapacityAssessment:
    """Record one decision-specific assessment; the outcome follows the two-stage test (MCA ss2-3)."""
    _require_practitioner(by, person, now)
    errors: dict[str, str] = {}
    if not _text(decision):
        errors["decision"] = "Say which decision: capacity is decision-specific"
    if not _text(support_given):
        errors["support_given"] = "Record the steps taken to help the person decide (MCA s1(3))"
    if impairment and not _text(impairment_detail):
        errors["impairment_detail"] = "Describe the impairment or disturbance"
    if not impairment and because_of_impairment:
        errors["because_of_impairment"] = "There is no impairment for an inability to be caused by"
    if enquiry is not None and enquiry.person_id != person.pk:
        errors["enquiry"] = "The enquiry is about someone else"
    _not_future(assessed_on, now, "assessed_on", errors)
    if errors:
        raise ValidationError(errors)
    functional = rules.FunctionalTest(can_understand, can_retain, can_use_or_weigh, can_communicate)
    membership = policy.membership_for_user(by)
    assert membership is not None  # _require_practitioner passed, so the user has a role in an agency
    assessment = CapacityAssessment.objects.create(
        person=person,
        enquiry=enquiry,
        agency_id=membership.agency_id,
        decision=_text(decision),
        impairment=impairment,
        impairment_detail=_text(impairment_detail),
        can_understand=can_understand,
        can_retain=can_retain,
        can_use_or_weigh=can_use_or_weigh,
        can_communicate=can_communicate,
        because_of_impairment=because_of_impairment,
        outcome=rules.capacity_outcome(
            impairment=impairment, functional=functional, because_of_impairment=because_of_impairment
        ),
        support_given=_text(support_given),
        assessed_on=assessed_on,
        assessor=by,
        assessor_role=_text(assessor_role),
        recorded_at=now,
    )
    audit.record(
        actor=by, action=AuditAction.CREATE, subject=assessment, at=now, details={"outcome": assessment.outcome}
    )
    return assessment


@transaction.atomic
def best_interests_record(
    *,
    assessment: CapacityAssessment,
    by,
    now: datetime,
    decision: str,
    persons_views: str,
    consulted: str,
    least_restrictive_option: str,
    decided_on: date,
) -> BestInterestsDecision:
    """Record a best-interests decision (MCA s4) for a decision the person lacks capacity to make."""
    _require_practitioner(by, assessment.person, now)
    errors: dict[str, str] = {}
    if assessment.outcome != CapacityOutcome.LACKS_CAPACITY:
        errors["assessment"] = "The person has capacity for this decision: it is theirs to make"
    for name, value, message in (
        ("decision", decision, "Say what was decided"),
        ("persons_views", persons_views, "Record the person's own wishes, feelings, beliefs and values (s4(6))"),
        ("consulted", consulted, "Record who was consulted and what they said (s4(7))"),
        ("least_restrictive_option", least_restrictive_option, "Record the less restrictive options considered"),
    ):
        if not _text(value):
            errors[name] = message
    if decided_on < assessment.assessed_on:
        errors["decided_on"] = "The decision cannot come before the capacity assessment"
    _not_future(decided_on, now, "decided_on", errors)
    if errors:
        raise ValidationError(errors)
    decision_row = BestInterestsDecision.objects.create(
        assessment=assessment,
        decision=_text(decision),
        persons_views=_text(persons_views),
        consulted=_text(consulted),
        least_restrictive_option=_text(least_restrictive_option),
        decided_on=decided_on,
        decided_by=by,
        recorded_at=now,
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=decision_row, at=now)
    return decision_row


@transaction.atomic
def advocacy_refer(
    *,
    person: Person,
    by,
    now: datetime,
    kind: str,
    referred_on: date,
    substantial_difficulty: bool | None = None,
    appropriate_individual: bool | None = None,
    lacks_capacity: bool | None = None,
    anyone_to_consult: bool | None = None,
    advocate: str = "",
    enquiry: Enquiry | None = None,
) -> Advocacy:
    """Record an advocate arranged for the adult.

    Care Act s67/68: where the adult would have substantial difficulty in being involved and has no
    appropriate individual, *whatever their capacity* (``rules.care_act_advocate_required``). An
    IMCA: where the adult lacks capacity and has no one appropriate to consult (``rules.imca_eligible``).
    """
    council = _require_council(by, person, now)
    errors: dict[str, str] = {}
    if kind not in AdvocacyKind.values:
        errors["kind"] = "Choose the kind of advocacy"
    elif kind in (AdvocacyKind.CARE_ACT_S67, AdvocacyKind.CARE_ACT_S68):
        if substantial_difficulty is None or appropriate_individual is None:
            errors["substantial_difficulty"] = "Answer both: substantial difficulty, and an appropriate individual"
        elif not rules.care_act_advocate_required(
            substantial_difficulty=substantial_difficulty, appropriate_individual=appropriate_individual
        ):
            errors["substantial_difficulty"] = (
                "The Care Act duty is for an adult with substantial difficulty in being involved and no "
                "appropriate individual to support them"
            )
        if kind == AdvocacyKind.CARE_ACT_S68 and enquiry is None:
            errors["enquiry"] = "A section 68 advocate supports a safeguarding enquiry: choose it"
    elif kind == AdvocacyKind.IMCA:
        if lacks_capacity is None or anyone_to_consult is None:
            errors["lacks_capacity"] = "Answer both: lacks capacity, and anyone appropriate to consult"
        elif not rules.imca_eligible(lacks_capacity=lacks_capacity, anyone_appropriate_to_consult=anyone_to_consult):
            errors["lacks_capacity"] = "An IMCA is for an adult who lacks capacity and has no one to consult"
    if enquiry is not None and enquiry.person_id != person.pk:
        errors["enquiry"] = "The enquiry is about someone else"
    _not_future(referred_on, now, "referred_on", errors)
    if errors:
        raise ValidationError(errors)
    row = Advocacy.objects.create(
        person=person,
        enquiry=enquiry,
        council=council,
        kind=kind,
        substantial_difficulty=substantial_difficulty,
        appropriate_individual=appropriate_individual,
        lacks_capacity=lacks_capacity,
        anyone_to_consult=anyone_to_consult,
        referred_on=referred_on,
        advocate=_text(advocate),
        recorded_by=by,
        recorded_at=now,
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=row, at=now, details={"kind": kind})
    return row


@transaction.atomic
def advocacy_dates(
    *, advocacy: Advocacy, by, now: datetime, started_on: date | None, ended_on: date | None
) -> Advocacy:
    """Record when the advocate started and stopped supporting the adult."""
    _require_council(by, advocacy.person, now)
    errors: dict[str, str] = {}
    if started_on and started_on < advocacy.referred_on:
        errors["started_on"] = "The advocate cannot start before the referral"
    if ended_on and (started_on is None or ended_on < started_on):
        errors["ended_on"] = "The advocacy cannot end before it started"
    _not_future(started_on, now, "started_on", errors)
    _not_future(ended_on, now, "ended_on", errors)
    if errors:
        raise ValidationError(errors)
    advocacy.started_on, advocacy.ended_on = started_on, ended_on
    advocacy.save(update_fields=["started_on", "ended_on"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=advocacy, at=now, details={"dates": True})
    return advocacy


# ---------------------------------------------------------------------------------------------
# Deprivation of Liberty Safeguards
# ---------------------------------------------------------------------------------------------


class UrgentDays(TypedDict):
    urgent_days: int
    extension_days: int


def urgent_days() -> UrgentDays:
    """Return the urgent authorisation's days from the settings table, as keywords for the rules."""
    return UrgentDays(
        urgent_days=timescale("dols_urgent_days", rules.URGENT_DAYS),
        extension_days=timescale("dols_urgent_extension_days", rules.URGENT_EXTENSION_DAYS),
    )


def standard_decision_due(requested_on: date) -> date:
    """Return the standard request's decision date, with the days from the settings table."""
    days = timescale("dols_standard_decision_days", rules.STANDARD_DECISION_DAYS)
    return rules.standard_decision_due(requested_on, decision_days=days)


@transaction.atomic
def dols_request(
    *,
    person: Person,
    by,
    now: datetime,
    managing_authority: Agency,
    requested_on: date,
    urgent_granted_on: date | None = None,
) -> DolsApplication:
    """Record a request for a standard authorisation, with the urgent one the home or hospital gave.

    The decision is due 21 days beginning with the day of the request; an urgent authorisation is in
    force for 7 days (``rules.standard_decision_due``, ``rules.urgent_last_day``).
    """
    council = _require_council(by, person, now)
    errors: dict[str, str] = {}
    if managing_authority.kind not in MANAGING_AUTHORITY_KINDS:
        errors["managing_authority"] = "The managing authority is the care home or hospital"
    if urgent_granted_on is not None and urgent_granted_on > requested_on:
        errors["urgent_granted_on"] = "An urgent authorisation comes with the standard request, not after it"
    _not_future(requested_on, now, "requested_on", errors)
    if errors:
        raise ValidationError(errors)
    application = DolsApplication.objects.create(
        person=person,
        supervisory_body=council,
        managing_authority=managing_authority,
        kind=DolsKind.URGENT if urgent_granted_on else DolsKind.STANDARD,
        requested_on=requested_on,
        decision_due=standard_decision_due(requested_on),
        urgent_granted_on=urgent_granted_on,
        urgent_last_day=rules.urgent_last_day(urgent_granted_on, **urgent_days()) if urgent_granted_on else None,
        recorded_by=by,
        recorded_at=now,
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=application, at=now, details={"kind": application.kind})
    return application


def _save_version(application: DolsApplication, expected_version: int, fields: list[str]) -> None:
    updated = DolsApplication.objects.filter(pk=application.pk, version=expected_version).update(
        version=F("version") + 1, **{f: getattr(application, f) for f in fields}
    )
    if not updated:
        raise StaleEdit(DolsApplication.objects.values_list("version", flat=True).get(pk=application.pk))
    application.version = expected_version + 1


@transaction.atomic
def dols_extend_urgent(
    *, application: DolsApplication, by, now: datetime, extended_on: date, expected_version: int
) -> DolsApplication:
    """Extend the urgent authorisation once, by up to 7 days, while it is in force (Sch A1 paras 84-85)."""
    _require_council(by, application.person, now)
    if application.urgent_granted_on is None:
        raise ValidationError({"extended_on": "There is no urgent authorisation to extend"})
    if application.urgent_extended_on is not None:
        raise ValidationError({"extended_on": "An urgent authorisation can be extended only once"})
    if application.outcome != DolsOutcome.PENDING:
        raise ValidationError({"extended_on": "The standard request has been decided"})
    if not rules.urgent_in_force(application.urgent_granted_on, extended_on, **urgent_days()):
        raise ValidationError({"extended_on": "The urgent authorisation has expired: it can no longer be extended"})
    _not_future_or_raise(extended_on, now, "extended_on")
    application.urgent_extended_on = extended_on
    application.urgent_last_day = rules.urgent_last_day(application.urgent_granted_on, extended=True, **urgent_days())
    _save_version(application, expected_version, ["urgent_extended_on", "urgent_last_day"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=application, at=now, details={"extended": True})
    return application


def _not_future_or_raise(day: date | None, now: datetime, field: str) -> None:
    errors: dict[str, str] = {}
    _not_future(day, now, field, errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def dols_decide(
    *,
    application: DolsApplication,
    by,
    now: datetime,
    expected_version: int,
    outcome: str,
    decided_on: date,
    authorised_from: date | None = None,
    authorised_until: date | None = None,
    conditions: str = "",
    review_every_days: int | None = None,
) -> DolsApplication:
    """Decide the standard request: granted for at most a year with its conditions, or not."""
    _require_council(by, application.person, now)
    errors: dict[str, str] = {}
    if application.outcome != DolsOutcome.PENDING:
        errors["outcome"] = "This request has already been decided"
    if outcome not in (DolsOutcome.GRANTED, DolsOutcome.NOT_GRANTED, DolsOutcome.WITHDRAWN):
        errors["outcome"] = "Choose the outcome"
    if decided_on < application.requested_on:
        errors["decided_on"] = "The decision cannot come before the request"
    _not_future(decided_on, now, "decided_on", errors)
    if outcome == DolsOutcome.GRANTED:
        if authorised_from is None or authorised_until is None:
            errors["authorised_until"] = "Give the period the authorisation is for"
        elif not rules.standard_valid_until(authorised_from, authorised_until):
            errors["authorised_until"] = "A standard authorisation lasts at most one year"
    if errors:
        raise ValidationError(errors)
    application.outcome, application.decided_on = outcome, decided_on
    fields = ["outcome", "decided_on"]
    if outcome == DolsOutcome.GRANTED:
        assert authorised_from is not None and authorised_until is not None  # checked above
        application.authorised_from, application.authorised_until = authorised_from, authorised_until
        application.conditions = _text(conditions)
        application.review_due = rules.dols_review_due(
            start=authorised_from, until=authorised_until, review_every_days=review_every_days
        )
        fields += ["authorised_from", "authorised_until", "conditions", "review_due"]
    _save_version(application, expected_version, fields)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=application, at=now, details={"outcome": outcome})
    return application


@transaction.atomic
def dols_review(
    *,
    application: DolsApplication,
    by,
    now: datetime,
    expected_version: int,
    reviewed_on: date,
    conditions: str | None = None,
    next_review_due: date | None = None,
) -> DolsApplication:
    """Record a review of a granted authorisation (Sch A1 Part 8): conditions varied, next review set."""
    _require_council(by, application.person, now)
    if application.outcome != DolsOutcome.GRANTED or application.authorised_until is None:
        raise ValidationError({"reviewed_on": "Only a granted authorisation is reviewed"})
    errors: dict[str, str] = {}
    _not_future(reviewed_on, now, "reviewed_on", errors)
    if not rules.dols_authorised_on(application.authorised_from, application.authorised_until, reviewed_on):
        errors["reviewed_on"] = (
            f"The authorisation was not in force that day (it runs to the end of "
            f"{application.authorised_until:%d/%m/%Y}): a new request is needed"
        )
    if next_review_due and next_review_due < reviewed_on:
        errors["next_review_due"] = "The next review cannot come before this one"
    if next_review_due and next_review_due > application.authorised_until:
        errors["next_review_due"] = "The next review must be before the authorisation expires"
    if errors:
        raise ValidationError(errors)
    application.reviewed_on = reviewed_on
    application.review_due = next_review_due
    fields = ["reviewed_on", "review_due"]
    if conditions is not None:
        application.conditions = _text(conditions)
        fields.append("conditions")
    _save_version(application, expected_version, fields)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=application, at=now, details={"reviewed": True})
    return application
