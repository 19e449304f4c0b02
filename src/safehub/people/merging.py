"""Merge and unmerge person records, and run register-wide deduplication into the review queue.

A merge never moves or deletes source records: the merged person points at the survivor
(``merged_into``) and every record keeps its own person. Reads follow the pointer, so the
survivor's ``reference`` (the stable person ID) is what every agency sees, and an unmerge is a
single, audited step back.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.people.models import DuplicateCandidate, DuplicateStatus, Merge, Person


def thresholds() -> tuple[float, float]:
    conf = getattr(settings, "SAFEHUB_MATCH_THRESHOLDS", {"upper": 0.95, "lower": 0.6})
    return conf["upper"], conf["lower"]


def _root(person: Person) -> Person:
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    return person


@transaction.atomic
def person_merge(
    *, survivor: Person, merged: Person, by, now: datetime, probability: float | None = None, reason: str = ""
) -> Merge:
    """Merge ``merged`` into ``survivor`` (by=None: an automatic merge by the engine, still audited)."""
    if by is not None:
        policy.require(by, "people.merge")
    survivor, merged = _root(survivor), _root(merged)
    if survivor.pk == merged.pk:
        raise ValidationError("These records are already the same person")
    if survivor.sealed or merged.sealed:
        raise ValidationError("Sealed records are merged only by their named users, outside the queue")
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    record = Merge.objects.create(
        survivor=survivor, merged=merged, merged_at=now, merged_by=by, probability=probability, reason=reason
    )
    audit.record(
        actor=by,
        action=AuditAction.MERGE,
        subject=survivor,
        at=now,
        reason=reason,
        details={"merged": merged.pk, "probability": probability},
    )
    audit.record(
        actor=by, action=AuditAction.MERGE, subject=merged, at=now, reason=reason, details={"into": survivor.pk}
    )
    return record


@transaction.atomic
def person_unmerge(*, merge: Merge, by, now: datetime, reason: str) -> Merge:
    """Undo a merge: the merged record stands on its own again with all its records."""
    policy.require(by, "people.merge")
    if merge.undone_at:
        raise ValidationError("This merge has already been undone")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the merge was wrong"})
    Person.objects.filter(pk=merge.merged_id, merged_into_id=merge.survivor_id).update(merged_into=None)
    merge.undone_at, merge.undone_by, merge.reason = now, by, (merge.reason + "\nUndone: " + reason).strip()
    merge.save(update_fields=["undone_at", "undone_by", "reason"])
    DuplicateCandidate.objects.filter(
        person_a_id=min(merge.survivor_id, merge.merged_id), person_b_id=max(merge.survivor_id, merge.merged_id)
    ).update(status=DuplicateStatus.NOT_DUPLICATE, decided_by=by, decided_at=now)
    for pid in (merge.survivor_id, merge.merged_id):
        audit.record(
            actor=by,
            action=AuditAction.UNMERGE,
            object_type="people.Person",
            object_id=str(pid),
            person_id=pid,
            at=now,
            reason=reason,
        )
    return merge


@transaction.atomic
def duplicate_decide(*, candidate: DuplicateCandidate, same_person: bool, by, now: datetime) -> DuplicateCandidate:
    """Record the reviewer's decision on a pair; 'same person' merges into the older record."""
    policy.require(by, "people.merge")
    if candidate.status != DuplicateStatus.PENDING:
        raise ValidationError("This pair has already been decided")
    if same_person:
        person_merge(
            survivor=candidate.person_a,
            merged=candidate.person_b,
            by=by,
            now=now,
            probability=candidate.probability,
            reason="Clerical review",
        )
    candidate.status = DuplicateStatus.MERGED if same_person else DuplicateStatus.NOT_DUPLICATE
    candidate.decided_by, candidate.decided_at = by, now
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    return candidate


def register_records(queryset=None):
    """The register as matching records (current postcode; merged people excluded)."""
    from safehub.people.matching_service import _records

    return list(_records(0)) if queryset is None else [r for r in _records(0) if int(r.record_id) in queryset]


def register_dedupe(*, now: datetime, auto_merge: bool = True, records=None) -> dict:
    """Deduplicate the whole register: merge clusters above the upper threshold, queue the rest."""
    from safehub.matching import dedupe

    upper, lower = thresholds()
    records = records if records is not None else register_records()
    result = dedupe(records, upper=upper, lower=lower)
    if result.model is not None and hasattr(result.model, "to_json"):
        from safehub.people.matching_service import model_path

        model_path().parent.mkdir(parents=True, exist_ok=True)
        model_path().write_text(result.model.to_json())
    merged = queued = 0
    with transaction.atomic():
        by_cluster: dict[str, list[int]] = {}
        for record_id, person_id in result.clusters.items():
            by_cluster.setdefault(person_id, []).append(int(record_id))
        if auto_merge:
            for members in by_cluster.values():
                if len(members) > 1:
                    members.sort()
                    survivor = Person.objects.get(pk=members[0])
                    for other in members[1:]:
                        try:
                            person_merge(
                                survivor=survivor,
                                merged=Person.objects.get(pk=other),
                                by=None,
                                now=now,
                                probability=upper,
                                reason="Automatic: above the match threshold",
                            )
                            merged += 1
                        except ValidationError:
                            continue
        for a, b, probability, reasons in result.review_pairs:
            low, high = sorted((int(a), int(b)))
            _, created = DuplicateCandidate.objects.get_or_create(
                person_a_id=low,
                person_b_id=high,
                defaults={"probability": probability, "reasons": [list(r) for r in reasons], "found_at": now},
            )
            queued += int(created)
    return {"records": len(records), "pairs_scored": result.pairs_scored, "merged": merged, "queued": queued}
