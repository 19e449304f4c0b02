"""Actions that change escalations; each checks access and writes its audit row."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.agencies.models import Agency
from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.partnership.models import (
    Escalation,
)


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
