"""Online person lookup for the front door, backed by the matching engine's in-memory index.

The index is built once per process from the register and kept current incrementally: people
added since the last lookup (higher ids) are added before each lookup, so new records are scored
only against their blocking candidates and existing person IDs never change.
"""

from __future__ import annotations

import threading
from datetime import date

from safehub.matching import MatchIndex, MatchRecord
from safehub.people.models import Address, Person

_lock = threading.Lock()
_state: dict = {"index": None, "max_id": 0}


def _records(min_id: int):
    """Yield the register's people above ``min_id`` as matching records, in id order, with their current postcode.

    People and current addresses are read as two id-ordered streams and merged, so a register of
    millions is never held in memory (a person with several current addresses takes the last).
    """
    addresses = (
        Address.objects.filter(ended_date__isnull=True, person_id__gt=min_id)
        .order_by("person_id", "pk")
        .values_list("person_id", "postcode")
        .iterator(chunk_size=20000)
    )
    rows = (
        Person.objects.filter(pk__gt=min_id, merged_into__isnull=True)
        .values_list("pk", "given_name", "middle_names", "family_name", "date_of_birth", "sex", "nhs_number")
        .order_by("pk")
        .iterator(chunk_size=20000)
    )
    address = next(addresses, None)
    for pk, given, middle, family, dob, sex, nhs in rows:
        postcode = ""
        while address is not None and address[0] <= pk:
            if address[0] == pk:
                postcode = address[1]
            address = next(addresses, None)
        yield MatchRecord(
            record_id=str(pk),
            given_name=given,
            middle_names=middle,
            surname=family,
            date_of_birth=dob,
            sex=sex if sex in ("M", "F") else None,
            postcode=postcode,
            address="",
            nhs_number=nhs,
        )


def model_path():
    from django.conf import settings

    return settings.DATA_DIR / "match_model.json"


def saved_model():
    """The model trained by the last register deduplication, if any (training a large register is slow)."""
    from safehub.matching import MatchModel

    path = model_path()
    return MatchModel.from_json(path.read_text()) if path.exists() else None


def register_index() -> MatchIndex:
    """Return the process's index of the register, adding any people created since it was built."""
    with _lock:
        if _state["index"] is None:
            records = list(_records(0))
            _state["index"] = MatchIndex.build(records, model=saved_model())
            _state["max_id"] = max((int(r.record_id) for r in records), default=0)
        else:
            for record in _records(_state["max_id"]):
                _state["index"].add(record)
                _state["max_id"] = max(_state["max_id"], int(record.record_id))
        return _state["index"]


def reset_index() -> None:
    with _lock:
        _state["index"], _state["max_id"] = None, 0


def lookup_candidates(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    sex: str = "",
    postcode: str = "",
    nhs_number: str = "",
    middle_names: str = "",
    limit: int = 8,
    min_probability: float = 0.05,
) -> list[dict]:
    """Rank known people against the details given, with the match probability and why."""
    query = MatchRecord(
        record_id="query",
        given_name=given_name or "",
        middle_names=middle_names,
        surname=family_name or "",
        date_of_birth=date_of_birth,
        sex=sex if sex in ("M", "F") else None,
        postcode=postcode or "",
        address="",
        nhs_number=nhs_number or "",
    )
    candidates = register_index().lookup(query, limit=limit, min_probability=min_probability)
    people = Person.objects.in_bulk([int(c.record_id) for c in candidates])
    postcodes = dict(
        Address.objects.filter(person_id__in=people, ended_date__isnull=True).values_list("person_id", "postcode")
    )
    out = []
    for c in candidates:
        person = people.get(int(c.record_id))
        if person is None or person.merged_into_id:
            continue
        out.append(
            {
                "person_id": person.pk,
                "name": person.display_name,
                "date_of_birth": person.date_of_birth,
                "postcode": postcodes.get(person.pk, ""),
                "probability": round(100 * c.probability, 1),
                "reasons": explain(c.reasons),
                "sealed": person.sealed,
            }
        )
    return out


FIELD_LABELS = {
    "given_name": "Given name",
    "surname": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "location": "Address",
    "nhs_number": "NHS number",
    "school": "School",
    "middle_names": "Middle names",
}
HOW_LABELS = {
    "exact": "same",
    "fuzzy": "similar",
    "nickname": "nickname",
    "transliteration": "other spelling",
    "transposed": "day and month swapped",
    "disagree": "different",
    "missing": "not known",
}
# Evidence-against rules, in the words a practitioner reads (the engine's RULE_TEXT).
RULE_LABELS = {
    "nhs_conflict": ("Different NHS numbers", "almost certainly two people"),
    "twins": ("Twins or siblings", "same date of birth and home but a different first name: siblings, not a typo"),
    "twins_similar": ("Could be twins", "same date of birth and home, first names only alike: a person must decide"),
    "sex_and_name": ("Different sex and first name", "strong evidence of two people"),
    "generations": ("Born a generation apart", "12 or more years between the dates of birth: a parent and child"),
    "siblings": ("Brothers or sisters", "same family name and home, different first name and date of birth"),
}


def _strength(weight: float) -> str:
    """Say how much a weight (log2 Bayes factor) moves the odds, in words."""
    size = abs(weight)
    word = "very strong" if size >= 10 else "strong" if size >= 5 else "some" if size >= 1.5 else "little"
    if size < 0.5:
        return "no real evidence either way"
    return f"{word} evidence {'for' if weight > 0 else 'against'}"


def explain(reasons) -> list[dict]:
    """Turn the engine's reasons into words a practitioner reads at a glance.

    Takes the (field, how) pairs of a lookup or the stored evidence of a review candidate
    (``{"field", "how", "weight", "rule"}``).  Each row has ``field``, ``how``, ``agrees``
    and, when the engine gave one, ``weight`` (bits: +1 doubles the odds of one person, -1
    halves them), ``strength`` in words, and ``rule`` for evidence-against rules.
    """
    out = []
    for reason in reasons:
        if isinstance(reason, dict):
            field, how = reason["field"], reason["how"]
            weight = reason.get("weight")
        else:
            field, how = reason[0], reason[1]
            weight = reason[2] if len(reason) > 2 else None
        if field in RULE_LABELS:
            label, words = RULE_LABELS[field]
            row = {"field": label, "how": words, "agrees": False, "rule": True}
        else:
            row = {
                "field": FIELD_LABELS.get(field, field.replace("_", " ").capitalize()),
                "how": HOW_LABELS.get(how, how.replace("_", " ")),
                "agrees": how not in ("disagree", "missing"),
                "rule": False,
            }
        row["weight"] = None if weight is None else round(float(weight), 1)
        row["strength"] = "" if weight is None or row["rule"] else _strength(float(weight))
        out.append(row)
    return out
