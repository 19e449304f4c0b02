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
from safehub.core.actors import MATCHING_ENGINE, user_or_none
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
    """Merge ``merged`` into ``survivor``; an automatic merge is the engine's (``actors.MATCHING_ENGINE``)."""
    policy.require(by, "people.merge")
    survivor, merged = _root(survivor), _root(merged)
    if survivor.pk == merged.pk:
        raise ValidationError("These records are already the same person")
    if survivor.sealed or merged.sealed:
        raise ValidationError("Sealed records are merged only by their named users, outside the queue")
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    record = Merge.objects.create(
        survivor=survivor,
        merged=merged,
        merged_at=now,
        merged_by=user_or_none(by),
        probability=probability,
        reason=reason,
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
    # Remembered as "not the same person" (a decided candidate row for the pair), so the engine
    # never merges or proposes the pair again.
    DuplicateCandidate.objects.update_or_create(
        person_a_id=min(merge.survivor_id, merge.merged_id),
        person_b_id=max(merge.survivor_id, merge.merged_id),
        defaults={"status": DuplicateStatus.NOT_DUPLICATE, "decided_by": by, "decided_at": now},
        create_defaults={
            "status": DuplicateStatus.NOT_DUPLICATE,
            "decided_by": by,
            "decided_at": now,
            "probability": merge.probability or 0.0,
            "reasons": [],
            "found_at": now,
        },
    )
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


def pairs_decided_apart() -> set[tuple[int, int]]:
    """Return the pairs a reviewer (or an unmerge) said are not the same person, as (low, high) ids."""
    return set(
        DuplicateCandidate.objects.filter(status=DuplicateStatus.NOT_DUPLICATE).values_list(
            "person_a_id", "person_b_id"
        )
    )


def evidence_reasons(model, a, b) -> list[dict]:
    """Return a pair's evidence (from the two records' matching features) as stored on a review
    candidate: field, verdict, weight, rule."""
    return model.evidence(a, b)["items"]


def register_dedupe(*, now: datetime, auto_merge: bool = True, records=None) -> dict:
    """Deduplicate the whole register: merge clusters above the upper threshold, queue the rest.

    Pairs a person has decided are different people are never merged (not even through a third
    record) and never queued again.  Each queued pair keeps every piece of evidence with its
    weight, for the reviewer.  The register is streamed from the database through
    :func:`safehub.matching.streaming.dedupe_stream`, which gives what the in-memory
    :func:`safehub.matching.dedupe` gives in memory that stays bounded at region scale (millions
    of people): Arrow columns and an on-disk DuckDB database instead of Python objects.
    """
    from safehub.matching.streaming import dedupe_stream
    from safehub.people.matching_service import _records

    upper, lower = thresholds()
    decided_apart = pairs_decided_apart()
    result = dedupe_stream(
        records if records is not None else _records(0),
        upper=upper,
        lower=lower,
        apart=[(str(a), str(b)) for a, b in decided_apart],
    )
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
                                by=MATCHING_ENGINE,
                                now=now,
                                probability=upper,
                                reason="Automatic: above the match threshold",
                            )
                            merged += 1
                        except ValidationError:
                            continue
        feats = result.review_features or {}
        for a, b, probability, _reasons in result.review_pairs:
            low, high = sorted((int(a), int(b)))
            if (low, high) in decided_apart:
                continue
            _, created = DuplicateCandidate.objects.get_or_create(
                person_a_id=low,
                person_b_id=high,
                defaults={
                    "probability": probability,
                    "reasons": evidence_reasons(result.model, feats[str(low)], feats[str(high)]),
                    "found_at": now,
                },
            )
            queued += int(created)
    return {"records": result.records, "pairs_scored": result.pairs_scored, "merged": merged, "queued": queued}


def _person_record(person: Person, postcode: str):
    from safehub.matching import MatchRecord

    return MatchRecord(
        record_id=str(person.pk),
        given_name=person.given_name,
        middle_names=person.middle_names,
        surname=person.family_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex if person.sex in ("M", "F") else None,
        postcode=postcode,
        address="",
        nhs_number=person.nhs_number,
    )


def _recheck_records(merges: list[Merge]) -> tuple[list[Person], dict[int, str]]:
    """Return every record of the merged clusters plus their same-birthday and household neighbours.

    Neighbours are the people born on a cluster member's date of birth and the people of the same
    family name at a cluster member's current postcode: the records the engine's group-level rules
    (a record fitting two people held apart, a third record naming both twins) would weigh.
    """
    from safehub.people.models import Address

    ids = {m.survivor_id for m in merges} | {m.merged_id for m in merges}
    members = list(Person.objects.filter(pk__in=ids))
    dobs = {p.date_of_birth for p in members if p.date_of_birth}
    here = dict(Address.objects.filter(person_id__in=ids, ended_date__isnull=True).values_list("person_id", "postcode"))
    families = {p.family_name.lower() for p in members if p.family_name}
    household = set(
        Address.objects.filter(postcode__in=set(here.values()) - {""}, ended_date__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    neighbours = Person.objects.filter(date_of_birth__in=dobs).exclude(pk__in=ids)
    by_home = [
        p
        for p in Person.objects.filter(pk__in=household - ids)
        if p.family_name.lower() in families and p.date_of_birth not in dobs
    ]
    people = members + list(neighbours) + by_home
    postcodes = dict(
        Address.objects.filter(person_id__in=[p.pk for p in people], ended_date__isnull=True).values_list(
            "person_id", "postcode"
        )
    )
    return people, postcodes


def _group_reason(model, feats: dict[int, object], labels: dict[int, str], people: dict[int, Person], merge, upper):
    """Say in plain words why the engine, clustering the merge's records with their neighbours, splits it."""
    import math

    from safehub.matching.files import evidence_text

    margin = math.log2(upper / (1 - upper))
    for z, own in ((merge.merged_id, merge.survivor_id), (merge.survivor_id, merge.merged_id)):
        rivals = []
        for x, fx in feats.items():
            if x in (z, own) or labels[x] == labels[own]:
                continue
            p_zx, held_zx = model.probability_held(feats[z], fx)
            if p_zx < upper or held_zx:
                continue
            hold = model.evidence(feats[own], fx)
            if not hold["held"] and labels[x] != labels[z]:
                continue
            rivals.append((model.assess(feats[z], fx)[3], x, hold))
        if not rivals:
            continue
        w_rival, x, hold = max(rivals, key=lambda r: (r[0], -r[1]))
        w_own = model.assess(feats[z], feats[own])[3]
        against = evidence_text({"items": [i for i in hold["items"] if i["rule"]], "held": False})
        who, rival, kept = people[z], people[x], people[own]
        both = (
            f"{who.display_name} ({z}) fits {rival.display_name} ({x}) as well as {kept.display_name} ({own})"
            if w_rival - w_own < margin
            else f"{who.display_name} ({z}) fits {rival.display_name} ({x}) better than {kept.display_name} ({own})"
        )
        apart = f", two people held apart ({against})" if against else ""
        verdict = (
            "a person should decide (clerical review)" if abs(w_rival - w_own) < margin else "it belongs with the other"
        )
        return f"{both}{apart}: the current model would not merge them; {verdict}"
    return "clustered with their household and same-birthday neighbours, the current model keeps these records apart"


def merges_to_recheck(*, by, now: datetime, model=None) -> list[dict]:
    """List the merges in the register that the current model would not make, with its evidence.

    A merge is listed when the pair now scores below the automatic-merge threshold or an
    evidence-against rule holds it (twins, different NHS numbers), or when the engine's
    clustering (:func:`safehub.matching.engine.dedupe_features`), run over every merged record
    with its same-birthday and household neighbours, would not put the two records in one person:
    a record that fits two people held apart (twins) goes with one only if it fits that one better
    by the automatic-merge margin, otherwise to review.  Each row names two people, so the list is
    audited as a read by ``by``.
    """
    from safehub.matching import MatchModel
    from safehub.matching.engine import dedupe_features
    from safehub.matching.files import evidence_text
    from safehub.people.matching_service import saved_model

    policy.require(by, "people.merge")
    upper, lower = thresholds()
    merges = list(
        Merge.objects.filter(undone_at__isnull=True).select_related("survivor", "merged").order_by("merged_at", "pk")
    )
    if not merges:
        return []
    if model is None:
        model = saved_model()
        if model is None:
            from safehub.matching import train_model

            model = train_model(register_records())
    model = MatchModel.from_json(model.to_json())
    model.set_population(max(2, Person.objects.filter(merged_into__isnull=True).count()))
    people, postcodes = _recheck_records(merges)
    records = [_person_record(p, postcodes.get(p.pk, "")) for p in people]
    feats = {int(r.record_id): r.features() for r in records}
    decided_apart = pairs_decided_apart()
    grouped = dedupe_features(
        [r.record_id for r in records],
        list(feats.values()),
        model=model,
        upper=upper,
        lower=lower,
        existing_ids=None,
        backend="python",
        apart=[(str(a), str(b)) for a, b in decided_apart],
    ).clusters
    labels = {int(k): v for k, v in grouped.items()}
    by_pk = {p.pk: p for p in people}
    rows = []
    for merge in merges:
        a, b = feats[merge.survivor_id], feats[merge.merged_id]
        evidence = model.evidence(a, b)
        pair_ok = evidence["probability"] >= upper and not evidence["held"]
        if pair_ok and labels[merge.survivor_id] == labels[merge.merged_id]:
            continue
        why = evidence_text(evidence) if not pair_ok else _group_reason(model, feats, labels, by_pk, merge, upper)
        rows.append(
            {
                "merge_id": merge.pk,
                "survivor_id": merge.survivor_id,
                "survivor": merge.survivor.display_name,
                "merged_id": merge.merged_id,
                "merged": merge.merged.display_name,
                "merged_at": merge.merged_at,
                "automatic": merge.merged_by_id is None,
                "probability": evidence["probability"],
                "held": evidence["held"],
                "group": pair_ok,
                "evidence": evidence["items"],
                "why": why,
            }
        )
    audit.record_list(
        actor=by,
        person_ids=[r["survivor_id"] for r in rows] + [r["merged_id"] for r in rows],
        at=now,
        view="merge recheck",
    )
    return rows


def merges_undo(*, merge_ids, by, now: datetime, reason: str) -> int:
    """Undo the given merges through :func:`person_unmerge` (each with its audit rows); return how many."""
    policy.require(by, "people.merge")
    undone = 0
    for merge in Merge.objects.filter(pk__in=list(merge_ids), undone_at__isnull=True).order_by("pk"):
        person_unmerge(merge=merge, by=by, now=now, reason=reason)
        undone += 1
    return undone
