"""Actions that change partner contributions; each checks access and writes its audit row."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.core import audit, policy
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.partnership.models import (
    PartnerContribution,
)


@transaction.atomic
def contribution_record(
    *,
    year: str,
    budget: str,
    partner: str,
    organisation_name: str,
    amount_gbp: int,
    by,
    now: datetime,
    in_kind: str = "",
    contribution: PartnerContribution | None = None,
    version: int | None = None,
) -> PartnerContribution:
    """Record (or correct) a partner's contribution to a budget for a year; the partnership team only."""
    policy.require(by, "partnership.manage")
    item = contribution or PartnerContribution()
    if contribution is not None and version is not None and contribution.version != version:
        raise StaleEdit(contribution.version)
    item.year, item.budget, item.partner = year.strip(), budget, partner
    item.organisation_name, item.amount_gbp, item.in_kind = organisation_name.strip(), amount_gbp, in_kind.strip()
    item.recorded_at, item.recorded_by = now, by
    if contribution is not None:
        item.version += 1
    item.full_clean()
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"organisation_name": "This organisation already has a contribution to that budget for that year"}
        ) from exc
    audit.record(
        actor=by, action=AuditAction.UPDATE if contribution is not None else AuditAction.CREATE, subject=item, at=now
    )
    return item
