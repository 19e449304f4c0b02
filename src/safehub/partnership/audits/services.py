"""Actions that change multi-agency case audits; each checks access and writes its audit row."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.agencies.models import Agency
from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.partnership.audits import selectors
from safehub.partnership.models import (
    AUDIT_QUESTIONS,
    AuditAgencyReturn,
    AuditCase,
    AuditFinding,
    AuditStatus,
    MultiAgencyAudit,
)


@transaction.atomic
def audit_plan(
    *,
    title: str,
    tool: str,
    planned_date: date,
    by,
    now: datetime,
    priority: str = "",
    agencies: Iterable[Agency] = (),
) -> MultiAgencyAudit:
    """Plan a themed multi-agency audit and name the agencies that take part."""
    policy.require(by, "partnership.manage")
    item = MultiAgencyAudit(
        title=title.strip(), tool=tool, planned_date=planned_date, priority=priority, created_by=by, created_at=now
    )
    item.full_clean()
    item.save()
    item.agencies.set(list(agencies))
    audit.record(actor=by, action=AuditAction.CREATE, subject=item, at=now)
    return item


@transaction.atomic
def audit_draw_sample(
    *, audit_item: MultiAgencyAudit, criteria: selectors.SampleCriteria, size: int, by, now: datetime, seed: int = 0
) -> list[AuditCase]:
    """Draw the case sample by criteria (a fixed seed makes the draw reproducible)."""
    policy.require(by, "partnership.manage")
    if audit_item.cases.exists():
        raise ValidationError("The sample has already been drawn")
    people = selectors.sample_cases(selectors.people_matching(criteria), size=size, rng=random.Random(seed))
    if not people:
        raise ValidationError("No records match these criteria")
    cases = AuditCase.objects.bulk_create(
        [AuditCase(audit=audit_item, person=p, number=i) for i, p in enumerate(people, start=1)]
    )
    audit_item.sample_criteria = {**criteria.as_dict(), "size": size, "seed": seed}
    audit_item.status = AuditStatus.SAMPLED
    audit_item.save(update_fields=["sample_criteria", "status"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=audit_item, at=now, details={"sampled": len(cases)})
    return cases


@transaction.atomic
def audit_answer(
    *, case: AuditCase, answers: Mapping[str, str], grade: str, by, now: datetime, comments: str = ""
) -> AuditAgencyReturn:
    """Record the user's agency's answers for one sampled case (replacing its earlier answers)."""
    membership = policy.require(by, "partnership.contribute")
    item = case.audit
    if item.status == AuditStatus.COMPLETE:
        raise ValidationError("The audit is complete")
    if item.agencies.exists() and not item.agencies.filter(pk=membership.agency_id).exists():
        raise PermissionDenied("Your agency is not taking part in this audit")
    questions = [code for code, _ in AUDIT_QUESTIONS[item.tool]]
    missing = [q for q in questions if not (answers.get(q) or "").strip()]
    if missing:
        raise ValidationError(dict.fromkeys(missing, "Answer this question"))
    answer, _ = AuditAgencyReturn.objects.update_or_create(
        case=case,
        agency_id=membership.agency_id,
        defaults={
            "answers": {q: answers[q].strip() for q in questions},
            "grade": grade,
            "comments": comments.strip(),
            "submitted_at": now,
            "submitted_by": by,
        },
    )
    answer.full_clean()
    if item.status == AuditStatus.SAMPLED:
        item.status = AuditStatus.IN_PROGRESS
        item.save(update_fields=["status"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=answer, person_id=case.person_id, at=now)
    return answer


@transaction.atomic
def audit_finding_add(
    *, audit_item: MultiAgencyAudit, kind: str, theme: str, text: str, by, now: datetime
) -> AuditFinding:
    policy.require(by, "partnership.manage")
    finding = AuditFinding(audit=audit_item, kind=kind, theme=theme, text=text.strip())
    finding.full_clean()
    finding.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=finding, at=now)
    return finding


@transaction.atomic
def audit_complete(
    *, audit_item: MultiAgencyAudit, findings: str, learning: str, by, now: datetime
) -> MultiAgencyAudit:
    policy.require(by, "partnership.manage")
    if not (findings or "").strip():
        raise ValidationError({"findings": "Summarise the findings"})
    audit_item.findings, audit_item.learning = findings.strip(), (learning or "").strip()
    audit_item.status, audit_item.completed_at = AuditStatus.COMPLETE, now
    audit_item.full_clean()
    audit_item.save()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=audit_item, at=now, details={"status": "COMPLETE"})
    return audit_item
