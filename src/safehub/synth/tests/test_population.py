"""Tests for the synthetic population generator."""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict
from datetime import date

import nhs_number
import pytest

from safehub.synth.population import (
    TOTAL_AT_SCALE_1,
    SynthPerson,
    generate_population,
    make_variant,
    nhs_check_digit,
)

AS_OF = date(2025, 3, 31)


@pytest.fixture(scope="module")
def city() -> list[SynthPerson]:
    return list(generate_population(scale=1.0, seed=7, as_of=AS_OF))


def _age(person: SynthPerson) -> int:
    dob = person.date_of_birth
    return AS_OF.year - dob.year - ((AS_OF.month, AS_OF.day) < (dob.month, dob.day))


def test_total_matches_the_census_count(city: list[SynthPerson]) -> None:
    assert len(city) == TOTAL_AT_SCALE_1
    assert [p.key for p in city[:5]] == [0, 1, 2, 3, 4]
    assert len({p.key for p in city}) == len(city)


def test_age_structure_is_within_tolerance(city: list[SynthPerson]) -> None:
    ages = [_age(p) for p in city]
    n = len(ages)
    under_six = sum(a <= 5 for a in ages) / n
    young_people = sum(16 <= a <= 24 for a in ages) / n
    over_65 = sum(a >= 65 for a in ages) / n
    assert abs(under_six - 0.063) < 0.006
    assert abs(young_people - 0.186) < 0.012
    assert abs(over_65 - 0.143) < 0.012
    assert min(ages) == 0 and max(ages) <= 105


def test_ethnicity_mix_resembles_the_city_and_children_are_more_diverse(
    city: list[SynthPerson],
) -> None:
    counts = Counter(p.ethnicity for p in city)
    n = len(city)
    assert 0.64 < counts["WBRI"] / n < 0.72
    white_other = (counts["WOTH"] + counts["WROM"]) / n
    assert 0.06 < white_other < 0.11
    asian = sum(counts[c] for c in ("AIND", "APKN", "ABAN", "AOTH", "CHNE")) / n
    assert 0.08 < asian < 0.13
    black = sum(counts[c] for c in ("BAFR", "BCRB", "BOTH")) / n
    assert 0.03 < black < 0.06
    children = [p for p in city if _age(p) < 18]
    child_wbri = sum(p.ethnicity == "WBRI" for p in children) / len(children)
    assert child_wbri < counts["WBRI"] / n - 0.03


def test_nhs_numbers_are_valid_unique_and_mostly_present(city: list[SynthPerson]) -> None:
    numbers = [p.nhs_number for p in city]
    present = [x for x in numbers if x is not None]
    assert 0.95 < len(present) / len(numbers) < 0.98
    assert len(set(present)) == len(present)
    sample = random.Random(3).sample(present, 2000)
    assert all(nhs_number.is_valid(x) for x in sample)
    assert all(len(x) == 10 and x.startswith("9") for x in sample)


def test_check_digit_follows_modulus_11() -> None:
    assert nhs_check_digit("943476591") == 9  # 943 476 5919 is the NHS's own worked example
    assert nhs_check_digit("000000001") is None or nhs_check_digit("000000001") == 9


def test_same_seed_gives_the_same_people_and_another_seed_does_not() -> None:
    first = list(itertools.islice(generate_population(seed=5, as_of=AS_OF), 500))
    again = list(itertools.islice(generate_population(seed=5, as_of=AS_OF), 500))
    other = list(itertools.islice(generate_population(seed=6, as_of=AS_OF), 500))
    assert first == again
    assert first != other


def test_household_members_share_an_address_and_siblings_mostly_a_surname(
    city: list[SynthPerson],
) -> None:
    households: dict[int, list[SynthPerson]] = defaultdict(list)
    for p in city[:40_000]:
        households[p.household_key].append(p)
    families = 0
    shared_surname = 0
    for members in households.values():
        assert len({(m.address_line, m.postcode) for m in members}) == 1
        children = [m for m in members if _age(m) < 16]
        if len(children) >= 2:
            families += 1
            shared_surname += len({m.family_name.removesuffix("a").removesuffix("i") for m in children}) == 1
    assert families > 1000
    assert shared_surname / families > 0.8


def test_some_children_have_a_different_surname_from_every_adult(
    city: list[SynthPerson],
) -> None:
    households: dict[int, list[SynthPerson]] = defaultdict(list)
    for p in city[:40_000]:
        households[p.household_key].append(p)
    differing = 0
    for members in households.values():
        adults = {m.family_name for m in members if _age(m) >= 18}
        children = [m for m in members if _age(m) < 16]
        if adults and children and all(c.family_name not in adults for c in children):
            differing += 1
    assert differing > 100


def test_postcodes_follow_the_official_pattern(city: list[SynthPerson]) -> None:
    import re

    pattern = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2}$")
    sample = city[::997]
    assert all(pattern.match(p.postcode) for p in sample)
    assert len({p.postcode for p in city}) > 5000


def test_common_names_are_common(city: list[SynthPerson]) -> None:
    surnames = Counter(p.family_name for p in city)
    top_surname, top_count = surnames.most_common(1)[0]
    assert top_surname in {"Smith", "Jones", "Williams"}
    assert top_count / len(city) > 0.006
    assert len(surnames) > 1500


def test_scale_fifty_streams_without_materialising() -> None:
    stream = generate_population(scale=50, seed=1, as_of=AS_OF)
    head = list(itertools.islice(stream, 1000))
    assert len(head) == 1000 and head[-1].key == 999


def test_variants_produce_the_hard_cases() -> None:
    rng = random.Random(11)
    people = list(itertools.islice(generate_population(seed=2, as_of=AS_OF), 30_000))
    kinds: Counter[str] = Counter()
    for person in people:
        variant = make_variant(person, rng, as_of=AS_OF)
        kinds.update(variant["corruptions"])
        assert variant["key"] == person.key
        if variant["date_of_birth"] is None:
            assert "dob_missing" in variant["corruptions"]
        if "baby" in variant["corruptions"]:
            assert variant["given_name"] == "Baby"
    for kind in (
        "nickname",
        "given_transliteration",
        "dob_transposed",
        "dob_missing",
        "moved",
        "nhs_missing",
        "baby",
        "surname_part",
        "given_typo",
        "names_swapped",
    ):
        assert kinds[kind] > 0, kind


def test_variant_is_deterministic_for_a_seeded_rng() -> None:
    person = next(iter(generate_population(seed=2, as_of=AS_OF)))
    assert make_variant(person, random.Random(4)) == make_variant(person, random.Random(4))


def test_nickname_variant_uses_the_nicknames_table() -> None:
    person = SynthPerson(
        key=1,
        household_key=1,
        given_name="William",
        middle_names="",
        family_name="Smith",
        sex="M",
        date_of_birth=date(1980, 1, 2),
        ethnicity="WBRI",
        first_language="English",
        nhs_number=None,
        postcode="SO14 0AA",
        address_line="1 Elm Road",
    )
    seen = {make_variant(person, random.Random(i))["given_name"] for i in range(300)}
    assert {"Bill", "Will"} & seen
