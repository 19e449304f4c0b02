"""Front-door actions for partners: responses to late flags, outcome read receipts, consultations, drafts."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.agencies.models import Agency
from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.core.shares import share_read
from safehub.frontdoor.models import Consultation, Contact, ContactDraft, LateFlag, OutcomeShare


@transaction.atomic
def late_flag_respond(*, flag: LateFlag, response: str, by, now: datetime) -> LateFlag:
    membership = policy.require(by, "frontdoor.police_timeliness")
    if membership.agency.kind != "POLICE":
        raise PermissionDenied("Only the police respond to late flags")
    flag.police_response, flag.responded_at = response.strip(), now
    flag.save(update_fields=["police_response", "responded_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=flag, person_id=flag.contact.person_id, at=now)
    return flag


@transaction.atomic
def outcome_share_read(*, share: OutcomeShare, by, now: datetime) -> OutcomeShare:
    """Record the read receipt the first time someone from the agency opens the outcome."""
    return share_read(
        share, by=by, now=now, refusal="This outcome was shared with another agency",
        person_id=share.contact.person_id, details={"what": "outcome"},
    )  # fmt: skip


@transaction.atomic
def consultation_record(
    *,
    by,
    now: datetime,
    asked_by_name: str,
    child_description: str,
    question: str,
    asked_by_agency: Agency | None = None,
    asked_at: datetime | None = None,
    advice: str = "",
) -> Consultation:
    """Record a professional's request for advice (the conversational model)."""
    policy.require(by, "frontdoor.consultation")
    consultation = Consultation(
        asked_by_name=asked_by_name.strip(),
        asked_by_agency=asked_by_agency,
        asked_at=asked_at or now,
        child_description=child_description.strip(),
        question=question.strip(),
        recorded_by=by,
    )
    if advice.strip():
        policy.require(by, "frontdoor.triage")
        consultation.advice, consultation.advised_by, consultation.advised_at = advice.strip(), by, now
    consultation.full_clean()
    consultation.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=consultation, at=now)
    return consultation


@transaction.atomic
def consultation_advise(*, consultation: Consultation, advice: str, by, now: datetime) -> Consultation:
    policy.require(by, "frontdoor.triage")
    if not advice.strip():
        raise ValidationError({"advice": "Enter the advice given"})
    consultation.advice, consultation.advised_by, consultation.advised_at = advice.strip(), by, now
    consultation.save(update_fields=["advice", "advised_by", "advised_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=consultation, at=now)
    return consultation


@transaction.atomic
def consultation_link_contact(*, consultation: Consultation, contact: Contact, by, now: datetime) -> Consultation:
    policy.require(by, "frontdoor.triage")
    consultation.became_contact = contact
    consultation.save(update_fields=["became_contact"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=consultation, at=now, details={"contact": contact.pk})
    return consultation


def draft_save(*, by, data: dict, now: datetime) -> ContactDraft:
    """Keep the half-finished contact form (no personal data leaves the database)."""
    clean = {k: v for k, v in data.items() if k not in {"csrfmiddlewaretoken"}}
    draft, _ = ContactDraft.objects.update_or_create(user=by, defaults={"data": clean, "updated_at": now})
    return draft


def draft_get(*, by) -> dict:
    draft = ContactDraft.objects.filter(user=by).first()
    return draft.data if draft else {}
