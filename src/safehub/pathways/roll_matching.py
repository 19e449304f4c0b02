"""Match a roll's rows to the register: a chunk of rows at a time, with the same answers as one by one.

Each row is looked up in the matching engine's in-memory index (its blocking keys find the
candidates, its model scores them), exactly as the front door's online lookup does. What the
lookup needs from the database (the candidates' records and postcodes, and the people a unique
pupil number names) is read once per chunk of rows, not once per row: a 500-row roll took 11 s
row by row and most of it was several small queries per row.

``roll_entry_match`` is the row-by-row reference (the old path, kept for the equivalence test and
the benchmark's baseline); ``roll_entries_match`` is the one the service uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from safehub.pathways import rules
from safehub.people.models import Address, Person

CANDIDATES_KEPT = 5
MIN_PROBABILITY = 0.05  # the online lookup's own floor (people.matching_service.lookup_candidates)
CHUNK_ROWS = 500


@dataclass
class RollEntry:
    row_number: int
    given_name: str
    family_name: str
    date_of_birth: date | None
    postcode: str
    upn: str


@dataclass
class RowMatch:
    """What one row came to: the outcome, the person to link (if any), the candidates kept and the best score."""

    outcome: str
    person: Person | None
    candidates: list[dict] = field(default_factory=list)
    best: float | None = None


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _agrees_exactly(entry: RollEntry, person: Person, postcode: str) -> bool:
    return (
        _fold(entry.family_name) == _fold(person.family_name)
        and _fold(entry.given_name) in {_fold(person.given_name), _fold(f"{person.given_name} {person.middle_names}")}
        and entry.date_of_birth == person.date_of_birth
        and (not entry.postcode or entry.postcode.replace(" ", "") == postcode.replace(" ", ""))
    )


def _decide(entry: RollEntry, found: list[dict], by_upn: Person | None, best_person: Person | None) -> RowMatch:
    outcome = rules.roll_match_outcome(
        probabilities=[c["probability"] for c in found],
        upn_agrees=by_upn is not None,
        exact_agrees=best_person is not None and _agrees_exactly(entry, best_person, found[0]["postcode"]),
    )
    best = found[0]["probability"] if found else None
    kept = [{"person_id": c["person_id"], "probability": c["probability"], "reasons": c["reasons"]} for c in found]
    if outcome == rules.ROLL_LINK:
        person = by_upn or best_person
        # A sealed record is never linked by a machine: a person at the front door decides.
        if person is not None and not person.sealed:
            return RowMatch(outcome, person, kept, best)
        outcome = rules.ROLL_REVIEW
    return RowMatch(outcome, None, kept, best)


def roll_entry_match(entry: RollEntry) -> RowMatch:
    """Match one row through the front door's online lookup (the row-by-row reference)."""
    from safehub.people.matching_service import lookup_candidates

    found = lookup_candidates(
        given_name=entry.given_name,
        family_name=entry.family_name,
        date_of_birth=entry.date_of_birth,
        postcode=entry.postcode,
        limit=CANDIDATES_KEPT,
    )
    by_upn = None
    if entry.upn:
        by_upn = Person.objects.filter(
            upn=entry.upn, date_of_birth=entry.date_of_birth, merged_into__isnull=True, sealed=False
        ).first()
    best_person = Person.objects.filter(pk=found[0]["person_id"]).first() if found else None
    return _decide(entry, found, by_upn, best_person)


def _chunks(entries: Sequence[RollEntry], size: int) -> Iterator[Sequence[RollEntry]]:
    for start in range(0, len(entries), size):
        yield entries[start : start + size]


def roll_entries_match(entries: Sequence[RollEntry], *, chunk_rows: int = CHUNK_ROWS) -> list[RowMatch]:
    """Match rows a chunk at a time: the index's blocking per row, the database once per chunk.

    Gives the answers ``roll_entry_match`` gives row by row (the same lookup, limit and floor; the
    same merged records dropped; the same person for a unique pupil number).
    """
    from safehub.matching import MatchRecord
    from safehub.people.matching_service import explain, register_index

    index = register_index()
    out: list[RowMatch] = []
    for chunk in _chunks(entries, chunk_rows):
        ranked = [
            index.lookup(
                MatchRecord(
                    record_id="query",
                    given_name=entry.given_name or "",
                    middle_names="",
                    surname=entry.family_name or "",
                    date_of_birth=entry.date_of_birth,
                    sex=None,
                    postcode=entry.postcode or "",
                    address="",
                    nhs_number="",
                ),
                limit=CANDIDATES_KEPT,
                min_probability=MIN_PROBABILITY,
            )
            for entry in chunk
        ]
        ids = {int(c.record_id) for found in ranked for c in found}
        people = Person.objects.in_bulk(ids)
        postcodes = dict(
            Address.objects.filter(person_id__in=people, ended_date__isnull=True).values_list("person_id", "postcode")
        )
        by_upn: dict[tuple[str, date | None], Person] = {}
        upns = {entry.upn for entry in chunk if entry.upn}
        if upns:
            named = Person.objects.filter(upn__in=upns, merged_into__isnull=True, sealed=False)
            for pupil in named.order_by("family_name", "given_name", "pk"):
                by_upn.setdefault((pupil.upn, pupil.date_of_birth), pupil)
        for entry, candidates in zip(chunk, ranked, strict=True):
            found = []
            for c in candidates:
                person = people.get(int(c.record_id))
                if person is None or person.merged_into_id:
                    continue
                found.append(
                    {
                        "person_id": person.pk,
                        "postcode": postcodes.get(person.pk, ""),
                        "probability": round(100 * c.probability, 1),
                        "reasons": explain(c.reasons),
                    }
                )
            upn_person = by_upn.get((entry.upn, entry.date_of_birth)) if entry.upn else None
            best_person = people.get(found[0]["person_id"]) if found else None
            out.append(_decide(entry, found, upn_person, best_person))
    return out
