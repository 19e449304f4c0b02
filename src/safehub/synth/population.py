"""Generate a synthetic population of an English port city, and agency-style variants of it.

Nobody in the output is a real person: names are drawn independently from hand-written pools
(:mod:`safehub.synth.names`), NHS numbers come from the 9xx range that the NHS never issues
(it is set aside for test patients), and postcodes are composed, not looked up.

The generator is Django-free and streams: :func:`generate_population` yields one person at a
time, so scale 50 (13 million people) needs no more memory than scale 1.

Age structure at scale 1 is tuned to the city's 2021 census picture (264,957 residents, 6.3%
aged 0-5, 18.6% aged 16-24 because of the two universities, 14.3% aged 65+), and ethnicity to
a southern port city (White British about 68%), with families with children more diverse than
older households.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from safehub.synth import names as N
from safehub.synth.addresses import (
    _address,
    synthetic_address,
)
from safehub.synth.person import SynthPerson
from safehub.synth.pickers import (
    _explicit_picker,
    _pairs_picker,
    _Picker,
    _zipf_picker,
)
from safehub.synth.variants import (
    make_variant,
)

TOTAL_AT_SCALE_1 = 264_957

__all__ = [
    "TOTAL_AT_SCALE_1",
    "SynthPerson",
    "generate_population",
    "make_variant",
    "nhs_check_digit",
    "synthetic_address",
]


# --------------------------------------------------------------------------- weighted pickers


@dataclass(frozen=True)
class _CommunityPools:
    male: _Picker
    female: _Picker
    surnames: _Picker
    adult_languages: _Picker
    child_languages: _Picker
    female_surnames: _Picker | None
    spec: N.Community


@lru_cache(maxsize=1)
def _pools() -> dict[str, _CommunityPools]:
    pools = {}
    for name, c in N.COMMUNITIES.items():
        pools[name] = _CommunityPools(
            male=_zipf_picker(c.male, 8),
            female=_zipf_picker(c.female, 8),
            surnames=_zipf_picker(c.surnames, 20),
            adult_languages=_explicit_picker(c.adult_languages),
            child_languages=_explicit_picker(c.child_languages),
            female_surnames=_explicit_picker(c.female_surnames) if c.female_surnames else None,
            spec=c,
        )
    return pools


@lru_cache(maxsize=1)
def _english_era_pools() -> dict[str, tuple[_Picker, _Picker]]:
    return {era: (_zipf_picker(m, 8), _zipf_picker(f, 8)) for era, (m, f) in N.ENGLISH_BY_ERA.items()}


@lru_cache(maxsize=1)
def _english_tail() -> list[str]:
    roots, endings = N.ENGLISH_SURNAME_ROOTS.split(), N.ENGLISH_SURNAME_ENDINGS.split()
    return [r + e for r in roots for e in endings]


@lru_cache(maxsize=1)
def _ethnicity_pickers() -> dict[str, _Picker]:
    return {kind: _pairs_picker(mix) for kind, mix in N.ETHNICITY_MIX.items()}


@lru_cache(maxsize=1)
def _community_pickers() -> dict[str, _Picker]:
    pickers = {eth: _pairs_picker(choices) for eth, choices in N.ETHNICITY_COMMUNITIES.items()}
    # Refused / not obtained: anyone, in proportion to the adult population.
    weights: dict[str, float] = {}
    for eth, share in N.ETHNICITY_MIX["adult"].items():
        for community, w in N.ETHNICITY_COMMUNITIES.get(eth, [("english", 1.0)]):
            weights[community] = weights.get(community, 0.0) + share * w
    pickers["REFU"] = pickers["NOBT"] = _pairs_picker(weights)
    return pickers


# ------------------------------------------------------------------------------- NHS numbers


def nhs_check_digit(nine_digits: str) -> int | None:
    """Return the Modulus 11 check digit for nine digits, or None when no valid digit exists."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine_digits))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


_NHS_SPACE = 100_000_000  # 8 free digits after the leading 9
_NHS_MULT = 7_654_321  # coprime with 10, so x -> x * M mod 10^8 is a permutation


def _nhs_number(key: int, seed: int) -> str | None:
    """Derive a unique, valid test-range NHS number for a person key (None if both slots fail)."""
    offset = (seed * 2_654_435_761) % _NHS_SPACE
    for attempt in (0, 1):
        slot = ((2 * key + attempt) * _NHS_MULT + offset) % _NHS_SPACE
        nine = f"9{slot:08d}"
        check = nhs_check_digit(nine)
        if check is not None:
            return nine + str(check)
    return None


# ----------------------------------------------------------------------------------- addresses


# ---------------------------------------------------------------------------------- households


@dataclass
class _Member:
    sex: str
    age: int
    community: str
    ethnicity: str
    surname: str = ""
    given: str = ""
    child: bool = False


def _era(birth_year: int) -> str:
    if birth_year < 1962:
        return "old"
    if birth_year < 1996:
        return "mid"
    return "young"


def _given(rng: random.Random, community: str, sex: str, birth_year: int) -> str:
    if community in N.ENGLISH_STYLE_GIVEN and (community == "english" or rng.random() < 0.5):
        male, female = _english_era_pools()[_era(birth_year)]
    else:
        pools = _pools()[community]
        male, female = pools.male, pools.female
    return (male if sex == "M" else female).pick(rng)


def _surname(rng: random.Random, community: str) -> str:
    if community == "english" and rng.random() < 0.3:
        tail = _english_tail()
        return tail[int(rng.random() ** 1.5 * len(tail))]
    return _pools()[community].surnames.pick(rng)


def _gendered(surname: str, sex: str, community: str) -> str:
    """Return the female form of a Polish -ski/-cki/-dzki surname."""
    gendered = _pools()[community].spec.gendered_surnames
    if sex == "F" and gendered and surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    return surname


def _ethnicity(rng: random.Random, mix: str) -> str:
    return _ethnicity_pickers()[mix].pick(rng)


def _community(rng: random.Random, ethnicity: str) -> str:
    return _community_pickers()[ethnicity].pick(rng)


_KIDS = _pairs_picker({"1": 38, "2": 40, "3": 15, "4": 5, "5": 2})
_HOUSEHOLD_TYPES = _pairs_picker(
    {
        "single_young": 11.0,
        "single_mid": 8.5,
        "single_old": 11.0,
        "couple_young": 9.5,
        "couple_mid": 8.5,
        "couple_old": 8.8,
        "family_couple": 17.0,
        "family_lone": 7.5,
        "students": 6.9,
        "multigen": 1.2,
    }
)


def _old_age(rng: random.Random) -> int:
    return min(104, 65 + int(rng.expovariate(1 / 9.5)))


def _adult(rng: random.Random, age: int, sex: str, eth: str) -> _Member:
    community = _community(rng, eth) if eth not in N.MIXED_PARENTS else "english"
    m = _Member(sex=sex, age=age, community=community, ethnicity=eth)
    m.surname = _gendered(_surname(rng, community), sex, community)
    return m


def _couple(rng: random.Random, age: int, eth: str) -> list[_Member]:
    man = _adult(rng, age, "M", eth)
    woman_age = min(103, max(18, age + rng.randint(-8, 3)))
    woman = _Member(sex="F", age=woman_age, community=man.community, ethnicity=eth)
    if rng.random() < 0.12 and eth == "WBRI":
        woman.community = "english"
    spec = _pools()[woman.community].spec
    if rng.random() < spec.wife_keeps_name:
        woman.surname = _gendered(_surname(rng, woman.community), "F", woman.community)
    else:
        woman.surname = _gendered(man.surname, "F", man.community)
    return [man, woman]


def _family(rng: random.Random, *, lone: bool, multigen: bool = False) -> list[_Member]:
    eth = _ethnicity(rng, "family")
    if multigen:
        eth = rng.choice(["APKN", "ABAN", "AIND", "AIND", "APKN", "ABAN", "AOTH", "BAFR"])
    n_kids = int(_KIDS.pick(rng))
    # Oldest child's age: skewed young, a tail of young adults still at home.
    oldest = min(22, int(rng.triangular(0, 23, 9)))
    ages = [oldest]
    for _ in range(n_kids - 1):
        nxt = ages[-1] - rng.randint(1, 5)
        if nxt < 0:
            break
        ages.append(nxt)
    mother_age = oldest + int(rng.triangular(19, 42, 30))
    father_age = mother_age + rng.randint(-3, 8)

    if eth in N.MIXED_PARENTS:
        white, others = N.MIXED_PARENTS[eth]
        other_eth = _pairs_picker(others).pick(rng)
        if rng.random() < 0.5:
            father_eth, mother_eth = white, other_eth
        else:
            father_eth, mother_eth = other_eth, white
        kid_eth = eth
    else:
        father_eth = mother_eth = kid_eth = eth

    father = _adult(rng, father_age, "M", father_eth)
    mother = _adult(rng, mother_age, "F", mother_eth)
    if mother_eth == father_eth and mother.community != father.community:
        mother.community = father.community
        mother.surname = _gendered(_surname(rng, father.community), "F", father.community)
    mspec = _pools()[mother.community].spec
    fspec = _pools()[father.community].spec
    if father.community == mother.community and rng.random() >= mspec.wife_keeps_name:
        mother.surname = _gendered(father.surname, "F", father.community)

    father.given = _given(rng, father.community, "M", 2000 - father_age)
    kid_surname = father.surname
    if rng.random() < fspec.patronymic:
        kid_surname = father.given
    double_barrel = father.community == "english" and mother.surname != father.surname and rng.random() < 0.25
    if double_barrel:
        kid_surname = f"{mother.surname}-{father.surname}"
    elif father.community == "english" and rng.random() < 0.03:
        kid_surname = f"{_surname(rng, 'english')}-{father.surname}"

    step_children = not lone and rng.random() < 0.12 and len(ages) > 1
    step_surname = _surname(rng, mother.community)
    lone_father = lone and rng.random() < 0.1
    # Most lone mothers' children carry her surname; the rest carry the absent father's.
    lone_mother_own = not lone_father and rng.random() < 0.65

    kids: list[_Member] = []
    for i, age in enumerate(ages):
        sex = "M" if rng.random() < 0.512 else "F"
        kid_community = rng.choice([father.community, mother.community])
        kid = _Member(sex=sex, age=age, community=kid_community, ethnicity=kid_eth, child=True)
        if lone:
            surname = mother.surname if lone_mother_own else kid_surname
        elif step_children and i == 0:
            surname = step_surname
        else:
            surname = kid_surname
        kid.surname = _gendered(surname, sex, father.community)
        kids.append(kid)

    members: list[_Member] = []
    if lone:
        members.append(father if lone_father else mother)
    else:
        members.extend([father, mother])
    members.extend(kids)
    if multigen:
        for _ in range(rng.choice([1, 2])):
            g = _Member(
                sex=rng.choice("MF"),
                age=min(100, father_age + rng.randint(22, 32)),
                community=father.community,
                ethnicity=father_eth,
            )
            g.surname = _gendered(father.surname if g.sex == "M" else _surname(rng, g.community), g.sex, g.community)
            members.append(g)
    return members


def _household(rng: random.Random) -> list[_Member]:
    kind = _HOUSEHOLD_TYPES.pick(rng)
    if kind == "single_young":
        return [_adult(rng, rng.randint(20, 44), rng.choice("MF"), _ethnicity(rng, "adult"))]
    if kind == "single_mid":
        return [_adult(rng, rng.randint(45, 64), rng.choice("MF"), _ethnicity(rng, "adult"))]
    if kind == "single_old":
        sex = "F" if rng.random() < 0.68 else "M"
        return [_adult(rng, _old_age(rng), sex, _ethnicity(rng, "old"))]
    if kind == "couple_young":
        return _couple(rng, rng.randint(22, 44), _ethnicity(rng, "adult"))
    if kind == "couple_mid":
        return _couple(rng, rng.randint(45, 66), _ethnicity(rng, "adult"))
    if kind == "couple_old":
        return _couple(rng, min(103, _old_age(rng) + 2), _ethnicity(rng, "old"))
    if kind == "students":
        size = rng.choice([2, 3, 4, 4, 5, 5, 6])
        return [
            _adult(rng, min(26, 18 + int(rng.expovariate(1 / 2.2))), rng.choice("MF"), _ethnicity(rng, "student"))
            for _ in range(size)
        ]
    return _family(rng, lone=kind == "family_lone", multigen=kind == "multigen")


def _dob(rng: random.Random, as_of: date, age: int) -> date:
    days = int((age + rng.random()) * 365.2425)
    return as_of - timedelta(days=max(0, days))


def _middle(rng: random.Random, member: _Member, birth_year: int) -> str:
    spec = _pools()[member.community].spec
    if member.community in ("pakistani", "bangladeshi") and member.given in (
        "Muhammad",
        "Mohammed",
        "Mohammad",
        "Abdul",
    ):
        middle = _given(rng, member.community, "M", birth_year)
        return middle if middle != member.given else "Ali"
    if rng.random() >= spec.middle_name:
        return ""
    middle = _given(rng, member.community, member.sex, birth_year)
    if middle == member.given:
        return ""
    if member.community == "english" and rng.random() < 0.08:
        middle += " " + _given(rng, member.community, member.sex, birth_year)
    return middle


def generate_population(*, scale: float = 1.0, seed: int = 1, as_of: date) -> Iterator[SynthPerson]:
    """Yield the synthetic residents of the city, household by household.

    ``scale`` multiplies the 2021 population (264,957); the same ``seed`` and ``as_of`` always
    give the same people with the same keys, and a larger scale extends, rather than
    reshuffles, a smaller one only in the sense that the stream is consumed in the same order.
    """
    target = round(TOTAL_AT_SCALE_1 * scale)
    rng = random.Random(seed)
    pools = _pools()
    key = 0
    household = 0
    while key < target:
        members = _household(rng)
        address_line, postcode = _address(household)
        used = {m.given for m in members if m.given}
        for m in members:
            if key >= target:
                break
            birth_year = as_of.year - m.age
            if not m.given:
                # Members of one household rarely share a first name; redraw a couple of times.
                for _ in range(3):
                    m.given = _given(rng, m.community, m.sex, birth_year)
                    if m.given not in used:
                        break
                used.add(m.given)
            spec = pools[m.community].spec
            surname = m.surname
            fixed = pools[m.community].female_surnames
            if (
                m.sex == "F"
                and fixed is not None
                and rng.random() < spec.female_surname_share * (0.5 if m.child else 1.0)
            ):
                surname = fixed.pick(rng)
            langs = pools[m.community].child_languages if m.age < 18 else pools[m.community].adult_languages
            yield SynthPerson(
                key=key,
                household_key=household,
                given_name=m.given,
                middle_names=_middle(rng, m, birth_year),
                family_name=surname,
                sex=m.sex,
                date_of_birth=_dob(rng, as_of, m.age),
                ethnicity=m.ethnicity,
                first_language=langs.pick(rng),
                nhs_number=None if rng.random() < 0.03 else _nhs_number(key, seed),
                postcode=postcode,
                address_line=address_line,
            )
            key += 1
        household += 1


# ------------------------------------------------------------------------------------ variants
