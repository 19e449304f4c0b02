"""Front-door actions. Each checks access, validates, and writes its audit row in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from safehub.agencies.models import Agency
from safehub.casework.case_services import episode_open_from_referral
from safehub.core import audit, events
from safehub.core.calendar import (
    UK,
    due_after_working_days,
    same_date_one_year_earlier,
    uk_date,
)
from safehub.core.codes import AssessmentFactor, ReferralSource
from safehub.core.errors import IdempotencyConflict, StaleEdit
from safehub.core.models import AuditAction
from safehub.frontdoor.models import (
    REFERRAL_OUTCOMES,
    Consent,
    Contact,
    ContactDraft,
    ContactStatus,
    Decision,
    InformationRequest,
    LateFlag,
    OutcomeShare,
    PoliceGrade,
    RagRating,
    Referral,
    Urgency,
)
from safehub.frontdoor.rules import contact_decision_due_for_grade

# Split out of this module (no module over 600 lines); callers across the apps import these
# names from here, so they are re-exported.
from safehub.frontdoor.services_notifications import (  # noqa: F401
    ENCOMPASS,
    HEALTH_VISITING_TEAM,
    education_notifications_send,
    health_visiting_notice_acknowledge,
    health_visiting_notice_send,
    health_visiting_team,
    notification_acknowledge,
)
from safehub.frontdoor.services_partners import (  # noqa: F401
    consultation_advise,
    consultation_link_contact,
    consultation_record,
    draft_get,
    draft_save,
    late_flag_respond,
    outcome_share_read,
)
from safehub.people import policy
from safehub.people.models import Ethnicity, Person
from safehub.people.services import involvement_record


@dataclass
class ChildEntry:
    family_name: str
    given_name: str = ""
    date_of_birth: date | None = None
    sex: str = "U"
    ethnicity: str = Ethnicity.NOBT
    child_voice: str = ""
    voice_not_recorded_reason: str = ""
    postcode: str = ""
    person_id: int | None = None
    errors: dict = field(default_factory=dict)


def decision_due(received_at: datetime, urgency: str) -> datetime:
    """Return when the front-door decision is due (DESIGN.md timescales)."""
    if urgency == Urgency.IMMEDIATE:
        return received_at + timedelta(hours=4)
    if urgency == Urgency.SAME_DAY:
        return (
            due_after_working_days(received_at, 0)
            if received_at.astimezone(UK).hour < 16
            else due_after_working_days(received_at, 1)
        )
    return due_after_working_days(received_at, settings.SAFEHUB_TIMESCALES["contact_decision_working_days"])


def _validate_children(children: list[ChildEntry], by, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not children:
        errors["children"] = ["Add at least one child"]
    for i, child in enumerate(children):
        prefix = f"child_{i}_"
        if not child.family_name.strip():
            errors.setdefault(prefix + "family_name", []).append("Enter the child's family name, or 'Not known'")
        if not child.child_voice.strip() and not child.voice_not_recorded_reason.strip():
            errors.setdefault(prefix + "child_voice", []).append(
                "Record what the child said or how they presented, or why this was not possible"
            )
        if child.date_of_birth and child.date_of_birth > uk_date(now) + timedelta(days=280):
            errors.setdefault(prefix + "date_of_birth", []).append("Date of birth is too far in the future")
        if child.ethnicity not in Ethnicity.values:
            errors.setdefault(prefix + "ethnicity", []).append("Choose an ethnicity, or 'Information not yet obtained'")
        if child.person_id is not None:
            person = Person.objects.filter(pk=child.person_id).first()
            if person is None or not policy.person_access(by, person, now=now).allowed:
                errors.setdefault(prefix + "person_id", []).append("No record with that ID that you can open")
    return errors


@transaction.atomic
def contact_record(
    *,
    by,
    now: datetime,
    children: list[ChildEntry],
    source: str,
    received_at: datetime,
    summary: str,
    consent: str,
    presenting_concerns: list[str] | None = None,
    lawful_basis: str = "",
    urgency: str = Urgency.STANDARD,
    referrer_name: str = "",
    referrer_role: str = "",
    referrer_contact_details: str = "",
    police_reference: str = "",
    incident_recorded_at: datetime | None = None,
    high_risk: bool = False,
    domestic_abuse_incident: bool = False,
    police_grade: str = "",
    police_grade_rationale: str = "",
    police_unit: str = "",
    idempotency_key: str = "",
) -> list[Contact]:
    """Record a contact about one or more children (siblings together), from any agency or the public."""
    membership = policy.require(by, "frontdoor.contact_create")
    request = _Request(children=children, source=source, received_at=received_at, summary=summary)
    if idempotency_key:
        existing = list(Contact.objects.filter(idempotency_key=idempotency_key, created_by=by).order_by("pk"))
        if existing:
            return _repeat_of(existing, request)
    errors = _validate_children(children, by, now)
    if source not in ReferralSource.values:
        errors["source"] = ["Choose who the contact is from"]
    if received_at > now + timedelta(minutes=5):
        errors["received_at"] = ["The time received cannot be in the future"]
    if not summary.strip():
        errors["summary"] = ["Say what the concern is"]
    unknown = [c for c in presenting_concerns or [] if c not in AssessmentFactor.values]
    if unknown:
        errors["presenting_concerns"] = [f"Unknown concern codes: {', '.join(unknown)}"]
    if consent != Consent.GIVEN and not lawful_basis:
        errors["lawful_basis"] = ["Without consent, record the lawful basis for sharing"]
    if source == ReferralSource.POLICE:
        if incident_recorded_at is None:
            errors["incident_recorded_at"] = ["Police contacts need the time the incident was recorded"]
        elif incident_recorded_at > received_at:
            errors["incident_recorded_at"] = ["The incident cannot be recorded after the contact was received"]
        if police_grade and police_grade not in PoliceGrade.values:
            errors["police_grade"] = ["The police grade is blue, green, amber or red"]
        if police_grade and not police_grade_rationale.strip():
            errors["police_grade_rationale"] = ["Give the officer's rationale for the grade"]
    elif high_risk or domestic_abuse_incident:
        errors["high_risk"] = ["High-risk and domestic-abuse incident flags are for police contacts"]
    elif police_grade:
        errors["police_grade"] = ["A police grade is for police contacts (PPNs)"]
    if errors:
        raise ValidationError(errors)
    referrer_agency = membership.agency if membership.agency.kind not in ("LA_CHILDREN",) or source != "5A" else None
    if membership.is_front_door:
        referrer_agency = None  # recorded on behalf of the public or a partner by phone
    try:
        # A savepoint, so that a double submission racing this one (same idempotency key) is
        # answered with the contacts the other request recorded instead of an error.
        with transaction.atomic():
            return _contacts_create(
                by=by,
                now=now,
                children=children,
                referrer_agency=referrer_agency,
                fields={
                    "source": source,
                    "referrer_name": referrer_name or by.get_full_name(),
                    "referrer_role": referrer_role,
                    "referrer_contact_details": referrer_contact_details,
                    "received_at": received_at,
                    "presenting_concerns": list(presenting_concerns or []),
                    "summary": summary.strip(),
                    "consent": consent,
                    "lawful_basis": lawful_basis,
                    "urgency": urgency,
                    "police_reference": police_reference,
                    "incident_recorded_at": incident_recorded_at,
                    "high_risk": high_risk,
                    "domestic_abuse_incident": domestic_abuse_incident,
                    "police_grade": police_grade,
                    "police_grade_rationale": police_grade_rationale.strip(),
                    "police_unit": police_unit.strip(),
                    # The limit in force when received; it also applies if the MASH later grades the
                    # contact red (rules.police_limit_applies), when 24 hours is the default.
                    "police_limit_hours": settings.SAFEHUB_TIMESCALES["police_high_risk_limit_hours"]
                    if high_risk or police_grade == PoliceGrade.RED
                    else None,
                    # A PPN the police graded red is decided the same day (frontdoor/rules.py).
                    "decision_due_at": contact_decision_due_for_grade(
                        received_at=received_at,
                        usual_due=decision_due(received_at, urgency),
                        from_police=source == ReferralSource.POLICE,
                        police_grade=police_grade,
                        mash_rag="",
                    ),
                    "idempotency_key": idempotency_key,
                },
            )
    except IntegrityError:
        existing = list(Contact.objects.filter(idempotency_key=idempotency_key, created_by=by).order_by("pk"))
        if idempotency_key and existing:
            return _repeat_of(existing, request)
        raise


@dataclass(frozen=True)
class _Request:
    """What an idempotency key names: the children, the source, the time received and the concern."""

    children: list[ChildEntry]
    source: str
    received_at: datetime
    summary: str


def _repeat_of(existing: list[Contact], request: _Request) -> list[Contact]:
    """Return the contacts first made under an idempotency key, if this request is the same one.

    A key names one request: reused with a different body (other children, source, time or
    concern), answering with the first contacts would silently lose the second referral, so it is
    refused (``IdempotencyConflict``; the API answers 422).
    """
    first = existing[0]
    asked = sorted(
        (c.given_name.strip().lower(), c.family_name.strip().lower(), c.date_of_birth) for c in request.children
    )
    made = sorted((c.child_given_name.lower(), c.child_family_name.lower(), c.child_date_of_birth) for c in existing)
    same = (
        asked == made
        and first.source == request.source
        and first.summary == request.summary.strip()
        and abs((first.received_at - request.received_at).total_seconds()) < 1
    )
    if not same:
        raise IdempotencyConflict()
    return existing


def _contacts_create(*, by, now: datetime, children: list[ChildEntry], referrer_agency, fields: dict) -> list[Contact]:
    family = None
    contacts = []
    for child in children:
        contact = Contact(
            person_id=child.person_id,
            child_given_name=child.given_name.strip(),
            child_family_name=child.family_name.strip(),
            child_date_of_birth=child.date_of_birth,
            child_sex=child.sex,
            child_postcode=child.postcode.strip().upper(),
            ethnicity=child.ethnicity,
            child_voice=child.child_voice.strip(),
            voice_not_recorded_reason=child.voice_not_recorded_reason.strip(),
            referrer_agency=referrer_agency,
            created_by=by,
            **fields,
        )
        if family is not None:
            contact.family_ref = family
        # Field checks here; the table's constraints and foreign keys are checked by the database
        # itself (the rules behind them were validated above with messages for the form, and the
        # related rows come from the service), which saves a query each.
        contact.full_clean(
            exclude=["family_ref", "created_by", "referrer_agency", "person"], validate_constraints=False
        )
        contact.save()
        family = contact.family_ref
        audit.record(actor=by, action=AuditAction.CREATE, subject=contact, at=now)
        if contact.person_id:
            _after_match(contact, by=by, now=now)
        contacts.append(contact)
    ContactDraft.objects.filter(user=by).delete()
    return contacts


def _after_match(contact: Contact, *, by, now: datetime) -> None:
    """Once the child is known: record ethnicity on the person, and notify education settings."""
    person = contact.person
    assert person is not None  # called only once the contact is matched to a child
    if person.ethnicity == Ethnicity.NOBT and contact.ethnicity != Ethnicity.NOBT:
        Person.objects.filter(pk=person.pk).update(ethnicity=contact.ethnicity, version=F("version") + 1)
    if contact.domestic_abuse_incident and contact.is_police:
        education_notifications_send(contact=contact, now=now)


def _require_front_door(by, permission: str) -> None:
    policy.require(by, permission)


@transaction.atomic
def contact_match_person(*, contact: Contact, person: Person, by, now: datetime) -> Contact:
    """Link the contact to a known person (the practitioner confirmed the match)."""
    _require_front_door(by, "frontdoor.triage")
    if contact.person_id and contact.person_id != person.pk:
        raise ValidationError("This contact is already linked to another person: unlink it first")
    contact.person = person
    contact.save(update_fields=["person"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=contact, at=now, details={"matched": person.pk})
    _after_match(contact, by=by, now=now)
    return contact


@transaction.atomic
def contact_create_person(*, contact: Contact, by, now: datetime) -> Person:
    """Create a new person from the contact's details (no match was found)."""
    from safehub.people.services import address_add, person_create

    _require_front_door(by, "frontdoor.triage")
    person = person_create(
        by=by,
        now=now,
        given_name=contact.child_given_name,
        family_name=contact.child_family_name,
        date_of_birth=contact.child_date_of_birth,
        sex=contact.child_sex,
        ethnicity=contact.ethnicity,
    )
    if contact.child_postcode:
        try:
            with transaction.atomic():
                address_add(
                    person=person, by=by, now=now, line_1="Address from contact", postcode=contact.child_postcode
                )
        except ValidationError:
            pass  # a bad postcode on the contact must not stop the child being recorded
    contact_match_person(contact=contact, person=person, by=by, now=now)
    return person


@transaction.atomic
def contact_rate(*, contact: Contact, rating: str, rationale: str, by, now: datetime) -> RagRating:
    """Add a RAG rating; earlier ratings are kept as the history."""
    _require_front_door(by, "frontdoor.triage")
    if contact.status == ContactStatus.CLOSED:
        raise ValidationError("The decision is signed off: the contact is closed")
    rag = RagRating(contact=contact, rating=rating, rationale=rationale.strip(), rated_by=by, rated_at=now)
    rag.full_clean()
    if not rag.rationale:
        raise ValidationError({"rationale": "Say why you chose this rating"})
    rag.save()
    # A PPN the MASH grades red is due the day it was received, as if the police had seen the red.
    due = contact_decision_due_for_grade(
        received_at=contact.received_at,
        usual_due=contact.decision_due_at,
        from_police=contact.source == ReferralSource.POLICE,
        police_grade=contact.police_grade,
        mash_rag=rating,
    )
    Contact.objects.filter(pk=contact.pk).update(
        current_rag=rating, status=ContactStatus.TRIAGE, decision_due_at=due, version=F("version") + 1
    )
    contact.refresh_from_db()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=contact, at=now, details={"rag": rating})
    return rag


@transaction.atomic
def information_request_create(
    *, contact: Contact, agency: Agency, question: str, urgency: str, by, now: datetime
) -> InformationRequest:
    """Ask a partner agency (e.g. the health navigator) what it knows; due by urgency."""
    policy.require(by, "frontdoor.health_request_create")
    hours = settings.SAFEHUB_TIMESCALES["health_request_urgent_hours"]
    due = (
        now + timedelta(hours=hours)
        if urgency == InformationRequest.Urgency.URGENT
        else due_after_working_days(now, settings.SAFEHUB_TIMESCALES["health_request_working_days"])
    )
    request = InformationRequest(
        contact=contact,
        agency=agency,
        question=question.strip(),
        urgency=urgency,
        requested_by=by,
        requested_at=now,
        due_at=due,
    )
    request.full_clean()
    request.save()
    audit.record(actor=by, action=AuditAction.SHARE, subject=request, at=now, details={"agency": agency.pk})
    return request


@transaction.atomic
def information_request_answer(
    *, request: InformationRequest, answer: str, nothing_known: bool, by, now: datetime
) -> InformationRequest:
    membership = policy.require(by, "frontdoor.health_request_answer")
    if membership.agency_id != request.agency_id:
        raise PermissionDenied("This request was sent to another agency")
    if request.answered_at:
        raise ValidationError("This request has already been answered")
    if not answer.strip() and not nothing_known:
        raise ValidationError({"answer": "Enter what your agency knows, or tick 'Nothing known'"})
    request.answer, request.nothing_known = answer.strip(), nothing_known
    request.answered_by, request.answered_at = by, now
    request.save(update_fields=["answer", "nothing_known", "answered_by", "answered_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=request, at=now)
    return request


@transaction.atomic
def decision_record(
    *, contact: Contact, outcome: str, rationale: str, by, now: datetime, expected_version: int | None = None
) -> Decision:
    """Record (or revise, before sign-off) the front-door decision with its rationale."""
    _require_front_door(by, "frontdoor.decide")
    if expected_version is not None and contact.version != expected_version:
        raise StaleEdit(contact.version)
    if contact.status == ContactStatus.CLOSED:
        raise ValidationError("The decision is already signed off")
    if outcome in REFERRAL_OUTCOMES and contact.person_id is None:
        raise ValidationError({"outcome": "Match the child to a person record before referring"})
    if not rationale.strip():
        raise ValidationError({"rationale": "Give the rationale for the decision"})
    decision, _ = Decision.objects.update_or_create(
        contact=contact,
        defaults={"outcome": outcome, "rationale": rationale.strip(), "decided_by": by, "decided_at": now},
    )
    decision.full_clean()
    updated = Contact.objects.filter(pk=contact.pk, version=contact.version).update(
        status=ContactStatus.AWAITING_SIGN_OFF, version=F("version") + 1
    )
    if not updated:
        raise StaleEdit(Contact.objects.values_list("version", flat=True).get(pk=contact.pk))
    contact.refresh_from_db()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=decision, at=now, details={"outcome": outcome})
    return decision


def previous_referral_within_12_months(person_id: int, referral_date: date) -> Referral | None:
    """Return the latest referral for the child dated within 12 months before (DfE re-referral rule)."""
    since = same_date_one_year_earlier(referral_date)
    return (
        Referral.objects.filter(person_id=person_id, referral_date__gte=since, referral_date__lt=referral_date)
        .order_by("-referral_date")
        .first()
    )


@transaction.atomic
def decision_sign_off(*, decision: Decision, by, now: datetime) -> Decision:
    """Manager sign-off: closes the contact, creates the referral, shares the outcome with partners."""
    policy.require(by, "frontdoor.sign_off")
    contact = decision.contact
    if decision.signed_off_at:
        raise ValidationError("Already signed off")
    decision.signed_off_by, decision.signed_off_at = by, now
    decision.save(update_fields=["signed_off_by", "signed_off_at"])
    Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.CLOSED, version=F("version") + 1)
    audit.record(actor=by, action=AuditAction.SIGN_OFF, subject=decision, at=now)
    if decision.outcome in REFERRAL_OUTCOMES:
        referral_create(contact=contact, referral_date=uk_date(contact.received_at), by=by, now=now)
    agencies = {contact.referrer_agency_id} | set(contact.information_requests.values_list("agency_id", flat=True))
    for agency_id in sorted(a for a in agencies if a):
        share, created = OutcomeShare.objects.get_or_create(
            contact=contact, agency_id=agency_id, defaults={"shared_at": now}
        )
        if created:
            audit.record(
                actor=by,
                action=AuditAction.SHARE,
                subject=share,
                person_id=contact.person_id,
                at=now,
                details={"agency": agency_id, "what": "outcome"},
            )
            events.publish(
                "record.shared", agency_id=agency_id, kind="outcome", id=share.pk, url=f"/api/outcomes/?id={share.pk}"
            )
    return decision


@transaction.atomic
def referral_create(
    *,
    contact: Contact | None,
    referral_date: date,
    by,
    now: datetime,
    person: Person | None = None,
    source: str | None = None,
) -> Referral:
    """Create a referral to children's social care, flagging a re-referral within 12 months."""
    if contact is not None:
        person_id = contact.person_id
    else:
        assert person is not None  # without a contact, the caller names the child
        person_id = person.pk
    assert person_id is not None  # a referral outcome needs a matched child (decision_record checks it)
    previous = previous_referral_within_12_months(person_id, referral_date)
    referral = Referral.objects.create(
        person_id=person_id,
        contact=contact,
        referral_date=referral_date,
        source=source or (contact.source if contact else ReferralSource.UNKNOWN),
        is_re_referral=previous is not None,
        previous_referral=previous,
    )
    csc = Agency.objects.filter(kind="LA_CHILDREN").order_by("pk").first()
    if csc:
        involvement_record(
            person=referral.person,
            agency_id=csc.pk,
            kind="CASE_HOLDER",
            now=now,
            source=f"frontdoor.Referral:{referral.pk}",
            by=by,
        )
    audit.record(
        actor=by, action=AuditAction.CREATE, subject=referral, at=now, details={"re_referral": referral.is_re_referral}
    )
    # The referral opens the child's case (or joins the one already open), in the same transaction.
    episode_open_from_referral(referral=referral, by=by, now=now)
    return referral


@transaction.atomic
def late_flag_raise(*, contact: Contact, reason: str, by, now: datetime) -> LateFlag:
    """A partner flags a police referral as late; the police see it on their timeliness page.

    A write needs at least the read of its record: the flag is refused to anyone who could not
    see the contact, on the contact page (the front door) or as a row of police timeliness.
    """
    membership = policy.require(by, "frontdoor.flag_late")
    contact_require_readable(contact=contact, by=by, now=now)
    if not contact.is_police:
        raise ValidationError("Only police referrals can be flagged as late")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the referral was late"})
    try:
        with transaction.atomic():
            flag = LateFlag.objects.create(
                contact=contact, raised_by=by, agency=membership.agency, reason=reason.strip(), raised_at=now
            )
    except IntegrityError as exc:
        raise ValidationError("Your agency has already flagged this referral") from exc
    audit.record(actor=by, action=AuditAction.CREATE, subject=flag, person_id=contact.person_id, at=now)
    return flag


def contact_require_readable(*, contact: Contact, by, now: datetime) -> None:
    """Refuse unless the user could read this contact: its page, or its police-timeliness row."""
    if not (policy.can(by, "frontdoor.queue") or policy.can(by, "frontdoor.police_timeliness")):
        raise PermissionDenied("You do not have access to this contact")
    if contact.person_id is not None and not Contact.objects.filter(policy.sealed_hidden_q(by), pk=contact.pk).exists():
        raise PermissionDenied("You do not have access to this contact")
