"""Hard cases for person matching: the people a matcher must keep apart, and the ones it must join.

Built from a synthetic population (:func:`safehub.synth.population.generate_population`), each
case is a *group* of records of one or more synthetic people, labelled with its kind:

* ``twins``: two children of one household with the same date of birth, surname and address and
  their own first names (a third are boy/girl pairs) and their own NHS numbers;
* ``twins_similar_names``: same-sex twins with similar first names (Isabella/Isabelle,
  Mason/Jason);
* ``siblings``: two children at one address, close in age (sometimes born on the same day and
  month a year apart);
* ``junior_senior``: a father and son with the same first name and surname at one address;
* ``namesakes``: two people with a common first name and surname, born within a month of each
  other (a fifth on the same day), living apart;
* ``nhs_missing``, ``nhs_mistyped``, ``nhs_changed``: one person recorded twice, the NHS number
  missing from one record, keyed with one error, or legitimately changed (the new record lists
  the previous number in 60% of cases, as a record updated from the national spine would);
* ``transliterated``: one person recorded twice with another spelling of a name
  (Muhammad/Mohammed, Chowdhury/Choudhury);
* ``surname_change``: one person recorded before and after a change of surname (marriage for
  adults, a step-parent's surname or deed poll for children).

In the groups of several people, each person also has, half the time, a second record made by
:func:`safehub.synth.population.make_variant`, so a matcher has true pairs to find there too.

Nothing here changes what :func:`generate_population` or :func:`make_variant` return.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from safehub.synth import population as P
from safehub.synth import variants as V

HARD_KINDS: tuple[str, ...] = (
    "twins",
    "twins_similar_names",
    "siblings",
    "junior_senior",
    "namesakes",
    "nhs_missing",
    "nhs_mistyped",
    "nhs_changed",
    "transliterated",
    "surname_change",
)
# Kinds whose groups hold several people who must not be joined.
APART_KINDS = frozenset({"twins", "twins_similar_names", "siblings", "junior_senior", "namesakes"})

# Same-sex twins with similar names.  Pairs where one name is a nickname of the other
# (Harry/Henry) or sounds the same (Layla/Leila) are left out: without an NHS number such
# twins cannot be told from one child recorded twice, by a matcher or by a person.
SIMILAR_TWIN_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "F": (
        ("Isabella", "Isabelle"),
        ("Amelia", "Amelie"),
        ("Lily", "Lola"),
        ("Ella", "Emma"),
        ("Mia", "Maya"),
        ("Ruby", "Rosie"),
        ("Layla", "Lola"),
        ("Chloe", "Zoe"),
        ("Holly", "Molly"),
        ("Maisie", "Daisy"),
        ("Lucy", "Lacey"),
        ("Evie", "Ellie"),
        ("Aria", "Ava"),
        ("Freya", "Frida"),
    ),
    "M": (
        ("Jack", "Jake"),
        ("Mason", "Jason"),
        ("Ethan", "Evan"),
        ("Leo", "Theo"),
        ("Alfie", "Archie"),
        ("Noah", "Jonah"),
        ("Aiden", "Jayden"),
        ("Tyler", "Taylor"),
        ("Dylan", "Declan"),
        ("Logan", "Rowan"),
        ("Riley", "Rhys"),
        ("Oscar", "Otis"),
        ("Caleb", "Jacob"),
        ("Harvey", "Harley"),
    ),
}
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "M": ("Oliver", "Jack", "Harry", "James", "Thomas", "Mohammed", "George", "William", "Daniel", "David"),
    "F": ("Olivia", "Amelia", "Emily", "Sophie", "Jessica", "Chloe", "Sarah", "Emma", "Charlotte", "Lucy"),
}
COMMON_SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan")
_TRANSLITERABLE_GIVEN = {
    "M": ("Muhammad", "Yusuf", "Ahmed", "Hussain", "Usman", "Mustafa", "Ibrahim", "Omar", "Tariq", "Khalid"),
    "F": ("Fatima", "Aisha", "Khadija", "Zainab", "Maryam", "Amina", "Noor"),
}
_TRANSLITERABLE_SURNAMES = ("Chowdhury", "Rahman", "Mahmood", "Hussain", "Ahmed", "Hassan", "Yohannes", "Tesfay")
_KEY_OFFSET = 90_000_000  # keys of people made here, far above any population's keys


@dataclass(frozen=True)
class HardRecord:
    """One agency's record in a hard case, with the truth a benchmark scores against."""

    record_id: str
    person_key: int  # the true person
    kind: str  # one of HARD_KINDS
    group: int  # records of one case share a group
    given_name: str
    middle_names: str
    family_name: str
    sex: str | None
    date_of_birth: date | None
    postcode: str
    address_line: str
    nhs_number: str
    previous_nhs_numbers: str = ""


class _Maker:
    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed * 7919 + 11)
        self.seed = seed
        self.as_of = as_of
        self.next_key = _KEY_OFFSET
        self.group = 0
        self.records: list[HardRecord] = []
        self.names: dict[int, set[str]] = {}  # household -> first names already in it

    def new_key(self) -> int:
        self.next_key += 1
        return self.next_key

    def nhs(self, key: int) -> str:
        for spare in range(4):  # a key whose two slots both fail borrows one far from any other key
            number = P._nhs_number(key + spare * 3_000_000, self.seed)
            if number:
                return number
        return ""

    def person(self, base: P.SynthPerson, **changes: object) -> P.SynthPerson:
        key = self.new_key()
        fields: dict[str, object] = {"key": key, "nhs_number": self.nhs(key), **changes}
        return replace(base, **fields)  # type: ignore[arg-type]

    def emit(self, person: P.SynthPerson | dict, kind: str, suffix: str, *, key: int | None = None) -> None:
        d = person if isinstance(person, dict) else person.__dict__
        pk = int(d["key"]) if key is None else key
        self.records.append(
            HardRecord(
                record_id=f"h{self.group}-{pk}-{suffix}",
                person_key=pk,
                kind=kind,
                group=self.group,
                given_name=str(d["given_name"]),
                middle_names=str(d["middle_names"] or ""),
                family_name=str(d["family_name"]),
                sex=d["sex"],  # type: ignore[arg-type]
                date_of_birth=d["date_of_birth"],  # type: ignore[arg-type]
                postcode=str(d["postcode"] or ""),
                address_line=str(d["address_line"] or ""),
                nhs_number=str(d["nhs_number"] or ""),
                previous_nhs_numbers=str(d.get("previous_nhs_numbers", "")),
            )
        )

    def people_group(self, kind: str, members: Iterable[P.SynthPerson]) -> None:
        """Emit each member's own record, and half the time a second, agency-style one."""
        for person in members:
            self.emit(person, kind, "a")
            if self.rng.random() < 0.5:
                self.emit(P.make_variant(person, self.rng, as_of=self.as_of), kind, "b")
        self.group += 1

    def duplicate_group(self, kind: str, person: P.SynthPerson, second: dict) -> None:
        self.emit(person, kind, "a")
        self.emit(second, kind, "b", key=person.key)
        self.group += 1

    def fresh(self, base: P.SynthPerson, **changes: object) -> P.SynthPerson:
        """A new person of the base's household: own first name, date of birth and NHS number.

        The first name is one nobody in that household already has (as in real families).
        """
        sex = str(changes.pop("sex", self.rng.choice("MF")))
        dob = base.date_of_birth + timedelta(days=self.rng.randint(-500, 500))
        if dob >= self.as_of:
            dob = self.as_of - timedelta(days=self.rng.randint(100, 900))
        middle = self.given(base, sex) if self.rng.random() < 0.4 else ""
        fields: dict[str, object] = {
            "given_name": self.given(base, sex, avoid=self.names.setdefault(base.household_key, set())),
            "sex": sex,
            "date_of_birth": dob,
            "middle_names": middle,
            **changes,
        }
        person = self.person(base, **fields)
        self.names.setdefault(base.household_key, set()).add(person.given_name.lower())
        return person

    def given(self, base: P.SynthPerson, sex: str, avoid: set[str] | None = None) -> str:
        community = P._community(self.rng, base.ethnicity) if base.ethnicity not in P.N.MIXED_PARENTS else "english"
        taken = {base.given_name.lower()} | (avoid or set())
        for _ in range(20):
            name = P._given(self.rng, community, sex, base.date_of_birth.year)
            if name.lower() not in taken:
                return name
        return "Jordan"


def _nhs_typo(rng: random.Random, nhs: str) -> str:
    """Return the NHS number with one keying error: a wrong digit or two neighbours swapped."""
    i = rng.randrange(len(nhs) - 1)
    if rng.random() < 0.5 and nhs[i] != nhs[i + 1]:
        return nhs[:i] + nhs[i + 1] + nhs[i] + nhs[i + 2 :]
    digit = str((int(nhs[i]) + rng.randint(1, 9)) % 10)
    return nhs[:i] + digit + nhs[i + 1 :]


def _plain_variant(person: P.SynthPerson, rng: random.Random, as_of: date) -> dict:
    """A second record with the usual agency errors, the NHS number kept as it was."""
    v = P.make_variant(person, rng, as_of=as_of)
    v["nhs_number"] = person.nhs_number
    if "nhs_missing" in v["corruptions"]:
        v["corruptions"].remove("nhs_missing")
    return v


def hard_case_records(
    people: Iterable[P.SynthPerson], *, seed: int, as_of: date, per_kind: int = 200
) -> list[HardRecord]:
    """Return ``per_kind`` cases of every kind in :data:`HARD_KINDS`, built from ``people``.

    The people only lend households, ages and communities: every person in the result is new
    (keys from 90,000,001), so the records can be added to the same population's records.
    """
    maker = _Maker(seed, as_of)
    rng = maker.rng
    children: list[P.SynthPerson] = []
    adults: list[P.SynthPerson] = []
    for person in people:
        maker.names.setdefault(person.household_key, set()).add(person.given_name.lower())
        age = (as_of - person.date_of_birth).days // 365
        if 1 <= age < 17 and person.nhs_number:
            children.append(person)
        elif 25 <= age <= 55 and person.sex == "M" and person.nhs_number:
            adults.append(person)
        if len(children) >= 20 * per_kind and len(adults) >= 10 * per_kind:
            break
    if not children or not adults:
        raise ValueError("the population has too few children or adults to build hard cases from")

    def child() -> P.SynthPerson:
        return rng.choice(children)

    for _ in range(per_kind):
        base = child()
        one = maker.fresh(base)
        sex_b = one.sex if rng.random() < 2 / 3 else ("F" if one.sex == "M" else "M")
        two = maker.person(
            one, given_name=maker.given(one, sex_b, avoid=maker.names[one.household_key]), sex=sex_b, middle_names=""
        )
        maker.people_group("twins", [one, two])

    for _ in range(per_kind):
        sex = rng.choice("MF")
        first, other_name = rng.choice(SIMILAR_TWIN_NAMES[sex])
        one = maker.fresh(child(), given_name=first, sex=sex, middle_names="")
        two = maker.person(one, given_name=other_name, middle_names="")
        maker.people_group("twins_similar_names", [one, two])

    for _ in range(per_kind):
        one = maker.fresh(child())
        sex_b = rng.choice("MF")
        if rng.random() < 0.4:
            try:
                dob_b = one.date_of_birth.replace(year=one.date_of_birth.year - 1)
            except ValueError:
                dob_b = one.date_of_birth - timedelta(days=365)
        else:
            dob_b = one.date_of_birth - timedelta(days=rng.randint(300, 800))
        two = maker.person(
            one,
            given_name=maker.given(one, sex_b, avoid=maker.names[one.household_key]),
            sex=sex_b,
            date_of_birth=dob_b,
            middle_names="",
        )
        maker.people_group("siblings", [one, two])

    for _ in range(per_kind):
        father_base = rng.choice(adults)
        son_dob = father_base.date_of_birth + timedelta(days=rng.randint(20 * 365, 38 * 365))
        if son_dob >= as_of:
            son_dob = as_of - timedelta(days=rng.randint(200, 5000))
        father = maker.fresh(father_base, sex="M")
        son = maker.person(
            father,
            date_of_birth=son_dob,
            middle_names=father.middle_names if rng.random() < 0.3 else "",
        )
        maker.people_group("junior_senior", [father, son])

    for _ in range(per_kind):
        sex = rng.choice("MF")
        given = rng.choice(COMMON_NAMES[sex])
        surname = rng.choice(COMMON_SURNAMES)
        other = child()
        one = maker.fresh(child(), given_name=given, family_name=surname, sex=sex, middle_names="")
        dob_b = one.date_of_birth if rng.random() < 0.2 else one.date_of_birth + timedelta(days=rng.randint(-30, 30))
        two = maker.person(
            one,
            given_name=given,
            family_name=surname,
            middle_names="",
            date_of_birth=dob_b,
            postcode=other.postcode,
            address_line=other.address_line,
        )
        maker.people_group("namesakes", [one, two])

    for _ in range(per_kind):
        person = maker.fresh(child())
        second = _plain_variant(person, rng, as_of)
        second["nhs_number"] = None
        if rng.random() < 0.2:
            person = replace(person, nhs_number=None)
        maker.duplicate_group("nhs_missing", person, second)

    for _ in range(per_kind):
        person = maker.fresh(child())
        second = _plain_variant(person, rng, as_of)
        second["nhs_number"] = _nhs_typo(rng, person.nhs_number or "9000000000")
        maker.duplicate_group("nhs_mistyped", person, second)

    for _ in range(per_kind):
        person = maker.fresh(child())
        second = _plain_variant(person, rng, as_of)
        second["nhs_number"] = maker.nhs(maker.new_key())
        if rng.random() < 0.6:
            second["previous_nhs_numbers"] = person.nhs_number
        maker.duplicate_group("nhs_changed", person, second)

    for _ in range(per_kind):
        given_sex = rng.choice("MF")
        person = maker.fresh(
            child(),
            given_name=rng.choice(_TRANSLITERABLE_GIVEN[given_sex]),
            sex=given_sex,
            family_name=rng.choice(_TRANSLITERABLE_SURNAMES),
        )
        second = _plain_variant(person, rng, as_of)
        index = V._transliteration_index()
        changed = False
        for field, original in (("given_name", person.given_name), ("family_name", person.family_name)):
            group = index.get(original.lower())
            if group and (rng.random() < 0.6 or (field == "family_name" and not changed)):
                second[field] = rng.choice([g for g in group if g.lower() != original.lower()])
                changed = True
        maker.duplicate_group("transliterated", person, second)

    for _ in range(per_kind):
        if rng.random() < 0.5:
            husband = rng.choice(adults)
            wife_given = maker.given(husband, "F")
            maiden = P._surname(rng, "english")
            person = maker.fresh(husband, given_name=wife_given, sex="F", family_name=maiden)
            second = _plain_variant(person, rng, as_of)
            second["family_name"] = husband.family_name
            if rng.random() < 0.6:
                second["address_line"], second["postcode"] = P.synthetic_address(rng)
        else:
            person = maker.fresh(child())
            second = _plain_variant(person, rng, as_of)
            second["family_name"] = P._surname(rng, "english")
            if rng.random() < 0.5:
                second["nhs_number"] = None
        if second["family_name"].lower() == person.family_name.lower():
            second["family_name"] = "Fairweather" if person.family_name != "Fairweather" else "Ashworth"
        maker.duplicate_group("surname_change", person, second)
    return maker.records


def iter_kinds(records: Iterable[HardRecord]) -> Iterator[tuple[str, list[HardRecord]]]:
    """Yield (kind, records of that kind) in :data:`HARD_KINDS` order."""
    by_kind: dict[str, list[HardRecord]] = {k: [] for k in HARD_KINDS}
    for r in records:
        by_kind[r.kind].append(r)
    yield from by_kind.items()
