"""Actions that change section 11 and section 175 self-assessments; each checks access and writes its audit row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.agencies.models import Agency
from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.partnership.access import require_own_agency
from safehub.partnership.models import (
    Rating,
    SelfAssessmentCycle,
    SelfAssessmentRating,
    SelfAssessmentReturn,
)


@transaction.atomic
def cycle_open(
    *,
    kind: str,
    year: str,
    cycle_year: int,
    opens_date: date,
    due_date: date,
    agencies: Iterable[Agency],
    by,
    now: datetime,
) -> SelfAssessmentCycle:
    """Open a self-assessment round and ask each named agency for its return."""
    policy.require(by, "partnership.manage")
    cycle = SelfAssessmentCycle(kind=kind, year=year, cycle_year=cycle_year, opens_date=opens_date, due_date=due_date)
    cycle.full_clean()
    cycle.save()
    SelfAssessmentReturn.objects.bulk_create([SelfAssessmentReturn(cycle=cycle, agency=a) for a in agencies])
    audit.record(actor=by, action=AuditAction.CREATE, subject=cycle, at=now)
    return cycle


@transaction.atomic
def self_assessment_submit(
    *, sa_return: SelfAssessmentReturn, ratings: Mapping[str, tuple[str, str]], by, now: datetime
) -> SelfAssessmentReturn:
    """Submit an agency's ratings and evidence for every standard of the cycle."""
    require_own_agency(by, sa_return.agency_id)
    standards = [code for code, _ in sa_return.cycle.standards]
    errors = {}
    for code in standards:
        rating, evidence = ratings.get(code, ("", ""))
        if rating not in Rating.values:
            errors[f"rating_{code}"] = "Choose a rating"
        elif rating != Rating.MET and not (evidence or "").strip():
            errors[f"evidence_{code}"] = "Say what is missing and what you will do"
    if errors:
        raise ValidationError(errors)
    for code in standards:
        rating, evidence = ratings[code]
        SelfAssessmentRating.objects.update_or_create(
            self_assessment=sa_return, standard=code, defaults={"rating": rating, "evidence": evidence.strip()}
        )
    sa_return.submitted_at, sa_return.submitted_by = now, by
    sa_return.save(update_fields=["submitted_at", "submitted_by"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=sa_return, at=now)
    return sa_return
