"""Actions on adult safeguarding records; each checks access and writes its audit row (CONVENTIONS 3).

Who may do what (permissions in ``core/policy.py``, refined here by agency):
- anyone but analysts and administrators may raise a concern about an adult whose record they can open;
- the council that received the concern (its ``adults.decide`` roles) decides on it, records risk
  actions and starts enquiries;
- an enquiry is worked on by the council that caused it or by the agency asked to carry it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from safehub.adults.models import (
    OUTCOMES_WITHOUT_ACTION,
    ConcernDecision,
    Enquiry,
    EnquiryKind,
    EnquiryRiskLocation,
    EnquiryRiskSource,
    EnquiryRiskType,
    RiskAction,
    RiskLocation,
    RiskSource,
    RiskType,
    SafeguardingConcern,
    SourceKind,
)
from safehub.agencies.models import Agency, AgencyKind
from safehub.core import audit, calendar, measures_port
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.people import policy
from safehub.people.models import InvolvementKind, Person
from safehub.people.services import involvement_record

DECISION_WORKING_DAYS = 2  # local multi-agency procedures: decide on a concern within 2 working days

CONCERN_FIELDS = (
    "source_kind",
    "source_agency",
    "source_name",
    "what_happened",
    "where_happened",
    "alleged_source_of_risk",
    "immediate_actions",
    "adult_views",
    "adult_wishes",
    "consent",
    "lawful_basis",
    "primary_support_reason",
    "reported_autism",
    "has_care_and_support_needs",
    "experiencing_or_at_risk",
    "unable_to_protect_self",
)
ENQUIRY_UPDATE_FIELDS = (
    "planning_date",
    "action_taken",
    "action_summary",
    "risk_outcome",
    "lacked_capacity",
    "advocate_support",
    "desired_outcomes_asked",
    "desired_outcomes",
    "outcomes_achieved",
    "interpreter_used",
    "heard_away_from_family",
)


def measures_refresh_on_commit() -> None:
    """Once the write commits, forget the cached snapshot, so the measures page counts the new record.

    The adults measures page reads the live snapshot (kept up to five minutes); correctness comes
    first, so a concern or enquiry written here is counted on the next view.
    """
    measures_port.records_changed()


def council_for(user) -> Agency | None:
    """Return the council adult social care that receives the user's concerns.

    Staff of an adult social care department record into their own council; everyone else's
    concerns go to the partnership's (single) adult social care department.
    """
    membership = policy.membership_for_user(user)
    if membership and membership.agency.kind == AgencyKind.LA_ADULTS:
        return membership.agency
    return Agency.objects.filter(kind=AgencyKind.LA_ADULTS, is_active=True).order_by("pk").first()


def is_council_staff(user, council_id: int) -> bool:
    return policy.agency_id_of(user) == council_id


def _require_person_access(by, person: Person, now: datetime) -> None:
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")


def _require_council(by, permission: str, council_id: int) -> None:
    policy.require(by, permission)
    if not is_council_staff(by, council_id):
        raise PermissionDenied("Only the council that received the concern may do this")


def _require_enquiry_worker(by, enquiry: Enquiry) -> None:
    policy.require(by, "adults.enquiry")
    agency_id = policy.agency_id_of(by)
    if agency_id not in {enquiry.council_id, enquiry.carried_out_by_id}:
        raise PermissionDenied("Only the council and the agency carrying out the enquiry may work on it")


@transaction.atomic
def concern_record(
    *,
    person: Person,
    by,
    now: datetime,
    received_at: datetime | None = None,
    source_kind: str,
    what_happened: str,
    consent: str,
    source_agency: Agency | None = None,
    **fields,
) -> SafeguardingConcern:
    """Record a safeguarding concern about an adult (the adult route of the front door)."""
    policy.require(by, "adults.concern_create")
    _require_person_access(by, person, now)
    council = council_for(by)
    if council is None:
        raise ValidationError("There is no adult social care department to send the concern to")
    received_at = received_at or now
    if source_kind == SourceKind.AGENCY and source_agency is None:
        membership = policy.membership_for_user(by)
        source_agency = membership.agency if membership else None
    if source_kind != SourceKind.AGENCY:
        source_agency = None
    concern = SafeguardingConcern(
        person=person,
        council=council,
        received_at=received_at,
        decision_due_at=calendar.due_after_working_days(received_at, DECISION_WORKING_DAYS),
        source_kind=source_kind,
        source_agency=source_agency,
        recorded_by=by,
        what_happened=(what_happened or "").strip(),
        consent=consent,
        **{k: v for k, v in fields.items() if k in CONCERN_FIELDS},
    )
    if (age := person.age_on(calendar.uk_date(received_at))) is not None and age < 18:  # None: no date of birth
        raise ValidationError({"person": "This person is under 18: use the children's front door"})
    if received_at > now:
        raise ValidationError({"received_at": "The concern cannot be received in the future"})
    concern.full_clean()
    concern.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=concern, at=now)
    source = f"adults.SafeguardingConcern:{concern.pk}"
    involvement_record(
        person=person, agency_id=council.pk, kind=InvolvementKind.CASE_HOLDER, now=now, source=source, by=by
    )
    if source_agency is not None and source_agency.pk != council.pk:
        involvement_record(
            person=person, agency_id=source_agency.pk, kind=InvolvementKind.REFERRER, now=now, source=source, by=by
        )
    measures_refresh_on_commit()
    return concern


@transaction.atomic
def concern_decide(
    *,
    concern: SafeguardingConcern,
    by,
    now: datetime,
    expected_version: int,
    has_care_and_support_needs: bool | None,
    experiencing_or_at_risk: bool | None,
    unable_to_protect_self: bool | None,
    decision: str,
    decision_rationale: str,
    signposting: str = "",
    carried_out_by: Agency | None = None,
    enquiry_started_date: date | None = None,
) -> SafeguardingConcern:
    """Answer the section 42(1) test and decide; an enquiry decision starts the enquiry.

    The s42 duty applies only when all three answers are yes: the model, the database and
    ``enquiry_start`` each refuse a section 42 enquiry from a concern that fails the test.
    """
    _require_council(by, "adults.decide", concern.council_id)
    _require_person_access(by, concern.person, now)
    if concern.is_decided:
        raise ValidationError("A decision has already been recorded on this concern")
    if decision not in ConcernDecision.values:
        raise ValidationError({"decision": "Choose a decision"})
    concern.has_care_and_support_needs = has_care_and_support_needs
    concern.experiencing_or_at_risk = experiencing_or_at_risk
    concern.unable_to_protect_self = unable_to_protect_self
    concern.decision = decision
    concern.decision_rationale = (decision_rationale or "").strip()
    concern.signposting = (signposting or "").strip()
    concern.decided_at, concern.decided_by = now, by
    if decision == ConcernDecision.NFA and not concern.signposting:
        raise ValidationError({"signposting": "Say where the adult or referrer was signposted (or why not)"})
    concern.full_clean()
    updated = SafeguardingConcern.objects.filter(pk=concern.pk, version=expected_version).update(
        version=F("version") + 1,
        **{
            k: getattr(concern, k)
            for k in (
                "has_care_and_support_needs",
                "experiencing_or_at_risk",
                "unable_to_protect_self",
                "decision",
                "decision_rationale",
                "signposting",
                "decided_at",
                "decided_by",
            )
        },
    )
    if not updated:
        raise StaleEdit(SafeguardingConcern.objects.values_list("version", flat=True).get(pk=concern.pk))
    concern.version = expected_version + 1
    audit.record(actor=by, action=AuditAction.UPDATE, subject=concern, at=now, details={"decision": decision})
    measures_refresh_on_commit()
    if decision in (ConcernDecision.S42, ConcernDecision.OTHER):
        enquiry_start(
            concern=concern,
            kind=decision,
            by=by,
            now=now,
            started_date=enquiry_started_date or calendar.uk_date(now),
            carried_out_by=carried_out_by,
        )
    return concern


@transaction.atomic
def risk_action_add(
    *, concern: SafeguardingConcern, by, now: datetime, description: str, owner: str, due_date: date
) -> RiskAction:
    """Record a risk-management action on the concern (owner and date)."""
    _require_council(by, "adults.decide", concern.council_id)
    _require_person_access(by, concern.person, now)
    action = RiskAction(
        concern=concern,
        description=(description or "").strip(),
        owner=(owner or "").strip(),
        due_date=due_date,
        recorded_at=now,
        recorded_by=by,
    )
    action.full_clean()
    action.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=action, at=now)
    return action


@transaction.atomic
def risk_action_complete(*, action: RiskAction, by, now: datetime, completed_date: date) -> RiskAction:
    _require_council(by, "adults.decide", action.concern.council_id)
    _require_person_access(by, action.concern.person, now)
    if completed_date > calendar.uk_date(now):
        raise ValidationError({"completed_date": "The action cannot be completed in the future"})
    action.completed_date = completed_date
    action.save(update_fields=["completed_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=action, at=now, details={"completed": True})
    return action


@transaction.atomic
def enquiry_start(
    *,
    concern: SafeguardingConcern,
    kind: str,
    by,
    now: datetime,
    started_date: date,
    carried_out_by: Agency | None = None,
) -> Enquiry:
    """Start a section 42 or other enquiry; the agency asked to carry it out gains access to the adult."""
    _require_council(by, "adults.decide", concern.council_id)
    _require_person_access(by, concern.person, now)
    if kind == EnquiryKind.S42 and not concern.meets_s42_test:
        raise ValidationError(
            {"kind": "The concern does not meet the section 42 test; start another safeguarding enquiry instead"}
        )
    if started_date < calendar.uk_date(concern.received_at):
        raise ValidationError({"started_date": "The enquiry cannot start before the concern was received"})
    if carried_out_by is not None and carried_out_by.pk == concern.council_id:
        carried_out_by = None
    enquiry = Enquiry(
        concern=concern,
        person_id=concern.person_id,
        kind=kind,
        council_id=concern.council_id,
        carried_out_by=carried_out_by,
        started_date=started_date,
        started_by=by,
    )
    enquiry.full_clean()
    enquiry.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=enquiry, at=now, details={"kind": kind})
    if carried_out_by is not None:
        involvement_record(
            person=concern.person,
            agency_id=carried_out_by.pk,
            kind=InvolvementKind.ENQUIRY,
            now=now,
            source=f"adults.Enquiry:{enquiry.pk}",
            by=by,
        )
        audit.record(
            actor=by,
            action=AuditAction.SHARE,
            subject=enquiry,
            at=now,
            details={"carried_out_by": carried_out_by.pk},
        )
    measures_refresh_on_commit()
    return enquiry


# Each many-per-enquiry SAC category: (related name, model, field, choices, what the form calls it).
CATEGORY_SETS = {
    "risk_types": ("risk_types", EnquiryRiskType, "risk_type", RiskType, "type of risk"),
    "risk_locations": ("risk_locations", EnquiryRiskLocation, "location", RiskLocation, "location of risk"),
    "risk_sources": ("risk_sources", EnquiryRiskSource, "source", RiskSource, "source of risk"),
}


def set_enquiry_categories(enquiry: Enquiry, name: str, codes: Iterable[str]) -> bool:
    """Make the enquiry's types, locations or sources of risk exactly ``codes``; return whether they changed.

    Each category is held once per enquiry however many times it is given (SAC SG2: "a count of one
    for each different category that applies to the enquiry").
    """
    related, model, field, choices, words = CATEGORY_SETS[name]
    wanted = set(codes)
    unknown = wanted - set(choices.values)
    if unknown:
        raise ValidationError({name: f"Unknown {words}: {', '.join(sorted(unknown))}"})
    manager = getattr(enquiry, related)
    current = set(manager.values_list(field, flat=True))
    if wanted == current:
        return False
    manager.exclude(**{f"{field}__in": wanted}).delete()
    model._default_manager.bulk_create([model(enquiry=enquiry, **{field: code}) for code in sorted(wanted - current)])
    return True


@transaction.atomic
def enquiry_update(
    *,
    enquiry: Enquiry,
    by,
    now: datetime,
    expected_version: int,
    risk_types: Iterable[str] | None = None,
    risk_locations: Iterable[str] | None = None,
    risk_sources: Iterable[str] | None = None,
    **fields,
) -> Enquiry:
    """Record planning, risks, capacity, Making Safeguarding Personal and the outcome so far."""
    _require_enquiry_worker(by, enquiry)
    _require_person_access(by, enquiry.person, now)
    if not enquiry.is_open:
        raise ValidationError("This enquiry has concluded; it can no longer be changed")
    changed = sorted(k for k, v in fields.items() if k in ENQUIRY_UPDATE_FIELDS and getattr(enquiry, k) != v)
    for key in changed:
        setattr(enquiry, key, fields[key])
    enquiry.full_clean()
    updated = Enquiry.objects.filter(pk=enquiry.pk, version=expected_version).update(
        version=F("version") + 1, **{k: getattr(enquiry, k) for k in changed}
    )
    if not updated:
        raise StaleEdit(Enquiry.objects.values_list("version", flat=True).get(pk=enquiry.pk))
    enquiry.version = expected_version + 1
    for name, codes in (("risk_types", risk_types), ("risk_locations", risk_locations), ("risk_sources", risk_sources)):
        if codes is not None and set_enquiry_categories(enquiry, name, codes):
            changed.append(name)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=enquiry, at=now, details={"fields": changed})
    measures_refresh_on_commit()
    return enquiry


def enquiry_missing_for_conclusion(enquiry: Enquiry) -> dict[str, str]:
    """Return what must still be recorded before the enquiry can conclude (field -> message)."""
    missing: dict[str, str] = {}
    if not enquiry.risk_types.exists():
        missing["risk_types"] = "Record at least one type of risk"
    if not enquiry.risk_locations.exists():
        missing["risk_locations"] = "Record where the risk was (every location that applies)"
    if not enquiry.risk_sources.exists():
        missing["risk_sources"] = "Record the source of risk (every type that applies)"
    if not enquiry.risk_outcome:
        missing["risk_outcome"] = "Record the risk outcome"
    if enquiry.action_taken is None and enquiry.risk_outcome not in ("", *OUTCOMES_WITHOUT_ACTION):
        missing["action_taken"] = "Record whether action was taken"
    if enquiry.desired_outcomes_asked == "EXPRESSED" and not enquiry.outcomes_achieved:
        missing["outcomes_achieved"] = "Record whether the adult's desired outcomes were achieved"
    if enquiry.lacked_capacity == "YES" and enquiry.advocate_support is None:
        # SAC SG3 asks this of every concluded enquiry where the adult lacked capacity; it may be
        # recorded for any adult (the Care Act s68 advocacy duty does not depend on capacity).
        missing["advocate_support"] = "Record whether an advocate, family member or friend supported the adult"
    return missing


@transaction.atomic
def enquiry_conclude(*, enquiry: Enquiry, by, now: datetime, concluded_date: date, expected_version: int) -> Enquiry:
    """Conclude the enquiry once its SAC fields are complete."""
    _require_enquiry_worker(by, enquiry)
    _require_person_access(by, enquiry.person, now)
    if not enquiry.is_open:
        raise ValidationError("This enquiry has already concluded")
    missing = enquiry_missing_for_conclusion(enquiry)
    if concluded_date > calendar.uk_date(now):
        missing["concluded_date"] = "The enquiry cannot conclude in the future"
    if missing:
        raise ValidationError(missing)
    enquiry.concluded_date, enquiry.concluded_by = concluded_date, by
    if enquiry.action_taken is None:
        enquiry.action_taken = False
    enquiry.full_clean()
    updated = Enquiry.objects.filter(pk=enquiry.pk, version=expected_version).update(
        version=F("version") + 1,
        concluded_date=concluded_date,
        concluded_by=by,
        action_taken=enquiry.action_taken,
    )
    if not updated:
        raise StaleEdit(Enquiry.objects.values_list("version", flat=True).get(pk=enquiry.pk))
    enquiry.version = expected_version + 1
    audit.record(actor=by, action=AuditAction.UPDATE, subject=enquiry, at=now, details={"concluded": True})
    measures_refresh_on_commit()
    return enquiry
