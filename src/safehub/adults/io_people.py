"""Who an imported adults CSV row is about: matched on the register, or created, never lost.

Columns (any row; the first row naming a person is enough for later rows with the same id):
``person_reference``      a Safehub person reference (UUID): must exist;
``person_record_id``      the person's id in the source system (Mosaic, LAS...): once matched or
                          created, every later row and every re-import with it finds the same person;
``person_nhs_number``     10 digits: one person on the register with it is that person;
``person_given_name``, ``person_family_name``, ``person_date_of_birth`` (``YYYY-MM-DD``),
``person_sex`` (M, F, U), ``person_address_line_1``, ``person_town``, ``person_postcode``.

Without a reference, record id mapping or NHS number match, the row is matched through the
matching engine (``people.matching_service.lookup_candidates``) against the register, using
``settings.SAFEHUB_MATCH_THRESHOLDS``: at or above the upper threshold it links to that person;
between the thresholds it creates the person and queues the pair for clerical review (the
duplicates page); below, it creates the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError

from safehub.adults.models import ImportedPerson
from safehub.people.models import DuplicateCandidate, Person
from safehub.people.validators import normalise_nhs_number

PERSON_COLUMNS = [
    "person_record_id",
    "person_given_name",
    "person_family_name",
    "person_date_of_birth",
    "person_sex",
    "person_address_line_1",
    "person_town",
    "person_postcode",
]


class PersonRowError(Exception):
    def __init__(self, column: str, value: str, message: str):
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


@dataclass(frozen=True)
class Flag:
    column: str
    value: str
    message: str


def _cell(row: dict, column: str) -> str:
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _root(person: Person) -> Person:
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    return person


class PersonResolver:
    """Resolve rows to people for one import; caches so a file's rows about one adult agree."""

    def __init__(self, *, by, now: datetime) -> None:
        from safehub.people.merging import thresholds

        self.by, self.now = by, now
        self.upper, self.lower = thresholds()
        self.cache: dict[tuple, Person] = {}
        self.counts = {"linked": 0, "created": 0, "review": 0}

    def resolve(self, row: dict, *, source_system: str, flags: list[Flag]) -> Person:
        reference = _cell(row, "person_reference")
        if reference:
            try:
                person = Person.objects.filter(reference=reference).first()
            except ValidationError:
                person = None
            if person is None:
                raise PersonRowError("person_reference", reference, "No person with this reference")
            return _root(person)
        record_id = _cell(row, "person_record_id")
        key: tuple = ("id", source_system, record_id) if record_id else ("row", *(_cell(row, c) for c in self._keys))
        if key in self.cache:
            return self.cache[key]
        person = self._resolve(row, source_system=source_system, record_id=record_id, flags=flags)
        self.cache[key] = person
        return person

    _keys = ("person_nhs_number", "person_given_name", "person_family_name", "person_date_of_birth")

    def _resolve(self, row: dict, *, source_system: str, record_id: str, flags: list[Flag]) -> Person:
        if record_id:
            mapped = ImportedPerson.objects.filter(source_system=source_system, source_person_id=record_id).first()
            if mapped is not None:
                return _root(mapped.person)
        raw_nhs = _cell(row, "person_nhs_number")
        nhs = normalise_nhs_number(raw_nhs) if raw_nhs else ""
        if nhs and not re.fullmatch(r"\d{10}", nhs):
            flags.append(Flag("person_nhs_number", raw_nhs, "Not a 10-digit NHS number: kept, not used to match"))
            nhs = ""
        if nhs:
            matches = list(Person.objects.filter(nhs_number=nhs, merged_into__isnull=True)[:2])
            if len(matches) == 1:
                return self._remember(source_system, record_id, matches[0], "LINKED", 1.0)
        given, family = _cell(row, "person_given_name"), _cell(row, "person_family_name")
        raw_dob = _cell(row, "person_date_of_birth")
        if not family:
            if nhs:
                raise PersonRowError("person_nhs_number", raw_nhs, "No single person with this NHS number")
            raise PersonRowError(
                "person_family_name", "", "Give the person reference, NHS number, or name and date of birth"
            )
        dob = self._dob(raw_dob)
        sex = _cell(row, "person_sex").upper()[:1]
        if sex not in ("M", "F", "U", "I", ""):
            flags.append(Flag("person_sex", _cell(row, "person_sex"), "Not M, F or U: kept, recorded as not known"))
            sex = ""
        postcode = _cell(row, "person_postcode")
        from safehub.people.matching_service import lookup_candidates

        candidates = lookup_candidates(
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            sex=sex,
            postcode=postcode,
            nhs_number=nhs,
            limit=1,
            min_probability=self.lower,
        )
        best = candidates[0] if candidates else None
        probability = best["probability"] / 100 if best else None
        if best is not None and probability is not None and probability >= self.upper:
            return self._remember(source_system, record_id, Person.objects.get(pk=best["person_id"]), "LINKED",
                                  probability)  # fmt: skip
        person = self._create(row, given=given, family=family, dob=dob, sex=sex, nhs=nhs, flags=flags)
        if best is not None and probability is not None:
            low, high = sorted((person.pk, int(best["person_id"])))
            DuplicateCandidate.objects.get_or_create(
                person_a_id=low,
                person_b_id=high,
                defaults={"probability": probability, "reasons": [], "found_at": self.now},
            )
            return self._remember(source_system, record_id, person, "REVIEW", probability)
        return self._remember(source_system, record_id, person, "CREATED", None)

    @staticmethod
    def _dob(raw: str) -> date:
        if not raw:
            raise PersonRowError("person_date_of_birth", raw, "Required to create a person: YYYY-MM-DD")
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise PersonRowError("person_date_of_birth", raw, "Not a date: use YYYY-MM-DD") from None
        if not date(1900, 1, 1) <= day <= date(2100, 12, 31):
            raise PersonRowError("person_date_of_birth", raw, "Date out of range")
        return day

    def _create(self, row: dict, *, given: str, family: str, dob: date, sex: str, nhs: str, flags: list[Flag]):
        from safehub.people.services import address_add, person_create

        fields = {"given_name": given[:100], "family_name": family[:100], "date_of_birth": dob, "sex": sex or "U"}
        try:
            person = person_create(by=self.by, now=self.now, nhs_number=nhs, **fields)
        except ValidationError:
            # The NHS number failed its check digit: keep it as a flag, create the person without it.
            flags.append(Flag("person_nhs_number", nhs, "Fails the NHS number check: kept, not recorded"))
            person = person_create(by=self.by, now=self.now, **fields)
        line_1, postcode = _cell(row, "person_address_line_1"), _cell(row, "person_postcode")
        if line_1 and postcode:
            try:
                address_add(
                    person=person,
                    by=self.by,
                    now=self.now,
                    line_1=line_1[:120],
                    town=_cell(row, "person_town")[:80],
                    postcode=postcode.upper(),
                )
            except ValidationError:
                flags.append(Flag("person_postcode", postcode, "Not a UK postcode: address kept here, not recorded"))
        elif line_1 or postcode:
            flags.append(Flag("person_address_line_1", line_1 or postcode, "An address needs line 1 and postcode"))
        return person

    def _remember(self, source_system: str, record_id: str, person: Person, how: str, probability) -> Person:
        self.counts[{"LINKED": "linked", "CREATED": "created", "REVIEW": "review"}[how]] += 1
        if record_id:
            ImportedPerson.objects.get_or_create(
                source_system=source_system,
                source_person_id=record_id,
                defaults={"person": person, "how": how, "probability": probability, "first_imported_at": self.now},
            )
        return person
