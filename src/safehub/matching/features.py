"""Normalise records into comparison features and compare two records field by field.

Each field comparison returns a *level*: a small integer where 0 is the strongest agreement,
higher numbers are weaker agreement, the last level is "disagree" and ``MISSING`` (-1) means one
side did not record the field.  The model turns levels into match weights.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

import jellyfish
from nicknames import NickNamer
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

MISSING = -1

# Field -> names of its levels, best first; the last is disagreement.
LEVELS: dict[str, tuple[str, ...]] = {
    "given_name": ("exact", "nickname", "transliteration", "fuzzy", "middle", "weak", "disagree"),
    "surname": ("exact", "partial", "transliteration", "fuzzy", "weak", "disagree"),
    "date_of_birth": ("exact", "transposed", "near", "year", "disagree"),
    "sex": ("exact", "disagree"),
    "location": ("exact", "postcode", "address", "sector", "district", "disagree"),
    "nhs_number": ("exact", "typo", "disagree"),
    "school": ("exact", "disagree"),
}
FIELDS: tuple[str, ...] = tuple(LEVELS)
LEVELS_DISAGREE_GIVEN = len(LEVELS["given_name"]) - 1
LEVELS_DISAGREE_SURNAME = len(LEVELS["surname"]) - 1

# How each level is explained to a practitioner (the public reason vocabulary).
REASONS: dict[str, tuple[str, ...]] = {
    "given_name": ("exact", "nickname", "transliteration", "fuzzy", "fuzzy", "fuzzy", "disagree"),
    "surname": ("exact", "fuzzy", "transliteration", "fuzzy", "fuzzy", "disagree"),
    "date_of_birth": ("exact", "transposed", "fuzzy", "fuzzy", "disagree"),
    "sex": ("exact", "disagree"),
    "location": ("exact", "exact", "fuzzy", "fuzzy", "fuzzy", "disagree"),
    "nhs_number": ("exact", "fuzzy", "disagree"),
    "school": ("exact", "disagree"),
}

_PLACEHOLDER_GIVEN = {"baby", "unborn", "infant", "babyof", "baby of", "unknown", "bb", "newborn"}
_PARTICLES = {"al", "el", "ul", "de", "la", "da", "di", "le", "van", "von", "der", "bin", "binti"}
_NON_LETTERS = re.compile(r"[^a-z ]+")
_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_ADDRESS_WORDS = {
    "road": "rd",
    "street": "st",
    "avenue": "ave",
    "close": "cl",
    "gardens": "gdns",
    "lane": "ln",
    "drive": "dr",
    "crescent": "cres",
    "court": "ct",
    "place": "pl",
    "terrace": "ter",
    "flat": "",
    "apartment": "",
    "the": "",
}

# Nicknames the `nicknames` package does not know but English agencies meet daily.
_EXTRA_NICKNAMES: dict[str, set[str]] = {
    "sasha": {"alexandra", "alexander"},
    "sacha": {"alexandra", "alexander"},
    "misha": {"michael", "mikhail"},
    "kasia": {"katarzyna"},
    "gosia": {"malgorzata"},
    "ola": {"aleksandra"},
    "kuba": {"jakub"},
    "bartek": {"bartosz"},
    "wojtek": {"wojciech"},
    "seun": {"oluwaseun"},
    "tobi": {"oluwatobi"},
    "emeka": {"chukwuemeka"},
    "alfie": {"alfred"},
    "freddie": {"frederick", "alfred"},
    "archie": {"archibald"},
    "ollie": {"oliver"},
}


def strip_accents(text: str) -> str:
    """Return text with diacritics removed (Łukasz -> Lukasz, Ștefan -> Stefan)."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ı", "i").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def normalise_name(text: str) -> str:
    """Return a lower-case, accent-free name with punctuation turned into spaces."""
    text = strip_accents(text or "").lower().replace("'", "")
    return _SPACES.sub(" ", _NON_LETTERS.sub(" ", text)).strip()


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=200_000)
def name_forms(name: str) -> frozenset[str]:
    """Return the name with its canonical forms ('bill' -> {'bill', 'william', ...})."""
    if not name:
        return frozenset()
    forms = {name} | _nicknamer().canonicals_of(name) | _EXTRA_NICKNAMES.get(name, set())
    return frozenset(forms)


@lru_cache(maxsize=200_000)
def phonetic(name: str) -> str:
    """Return a phonetic key (metaphone, trailing semivowels dropped) for blocking and levels."""
    if not name:
        return ""
    code = jellyfish.metaphone(name.replace(" ", ""))
    return code.rstrip("YWH") or code


def _masculine(token: str) -> str:
    """Map Polish feminine surname endings to the masculine form (Kowalska -> kowalski)."""
    for fem, masc in (("ska", "ski"), ("cka", "cki"), ("dzka", "dzki")):
        if token.endswith(fem) and len(token) > len(fem) + 2:
            return token[: -len(fem)] + masc
    return token


@lru_cache(maxsize=200_000)
def surname_tokens(surname: str) -> frozenset[str]:
    """Return the parts of a (possibly double or prefixed) surname, particles removed."""
    tokens = set()
    for tok in surname.split():
        if tok in _PARTICLES:
            continue
        tokens.add(_masculine(tok))
    joined = surname.replace(" ", "")
    tokens.add(_masculine(joined))
    for prefix in ("al", "el"):
        if joined.startswith(prefix) and len(joined) > len(prefix) + 3:
            tokens.add(joined[len(prefix) :])
    return frozenset(tokens)


def normalise_postcode(postcode: str) -> str:
    """Return a postcode upper-cased with spaces removed."""
    return re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())


def normalise_address(address: str) -> str:
    """Return an address with abbreviations unified and punctuation removed."""
    text = _NON_ALNUM.sub(" ", strip_accents(address or "").lower())
    words = [_ADDRESS_WORDS.get(w, w) for w in text.split()]
    return " ".join(w for w in words if w)


@dataclass(slots=True)
class Features:
    """Pre-computed comparison inputs of one record."""

    given: str  # first given name, "" when missing or a placeholder like "Baby"
    given_full: str  # all given-name tokens joined, for comparing against a swapped surname
    given_forms: frozenset[str]
    given_phon: str
    middles: tuple[str, ...]
    baby: bool
    surname: str  # whole surname without spaces
    surname_tokens: frozenset[str]
    surname_phon: str
    dob: tuple[int, int, int] | None
    sex: str
    postcode: str
    outward: str
    sector: str
    address: str
    nhs: str
    school: str
    nhs_valid: bool = False  # ten digits with a correct Modulus 11 check digit
    nhs_previous: frozenset[str] = frozenset()  # numbers this record says the person had before
    nhs_temporary: bool = False  # a number known to be temporary (says little when it differs)


def nhs_number_valid(digits: str) -> bool:
    """Return whether ten digits form a valid NHS number (Modulus 11 check digit).

    NHS Data Dictionary, "NHS Number": the tenth digit is a Modulus 11 check digit; a total whose
    remainder gives 10 is never issued.  One mistyped digit or two neighbouring digits swapped
    always fail the check, so two *valid* numbers that differ are very rarely a keying error.
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _previous_numbers(text: str) -> frozenset[str]:
    digits = (re.sub(r"\D", "", part) for part in re.split(r"[;,|]", text))
    return frozenset(d for d in digits if d)


class Normalised(NamedTuple):
    """A record's fields normalised for matching: the costly part of :func:`features_of`.

    Flat strings, numbers and flags, so a whole register can be kept as compact columns (see
    :mod:`safehub.matching.streaming`) and turned back into :class:`Features` cheaply by
    :func:`features_from_normalised`.
    """

    given: str
    given_full: str
    middles: str  # middle names (and later given names) joined by single spaces
    baby: bool
    surname: str  # normalised surname, spaces kept (its parts matter)
    dob: int | None  # yyyymmdd
    sex: str
    postcode: str
    address: str
    nhs: str
    school: str
    nhs_valid: bool
    nhs_previous: str  # previous numbers joined by ";", sorted
    nhs_temporary: bool


def normalise_fields(
    *,
    given_name: str,
    middle_names: str,
    surname: str,
    date_of_birth: date | None,
    sex: str | None,
    postcode: str,
    address: str,
    nhs_number: str,
    school: str = "",
    previous_nhs_numbers: str = "",
    nhs_number_temporary: bool = False,
) -> Normalised:
    """Normalise one record's fields (names, postcode, address, numbers) for matching."""
    given_all = normalise_name(given_name)
    tokens = given_all.split()
    baby = given_all in _PLACEHOLDER_GIVEN or (bool(tokens) and tokens[0] in _PLACEHOLDER_GIVEN)
    if baby:
        tokens = []
    middles = tuple(tokens[1:]) + tuple(normalise_name(middle_names).split())
    nhs = re.sub(r"\D", "", nhs_number or "")
    sex_n = (sex or "").strip().upper()[:1]
    previous = _previous_numbers(previous_nhs_numbers) if previous_nhs_numbers else frozenset()
    return Normalised(
        given=tokens[0] if tokens else "",
        given_full="".join(tokens),
        middles=" ".join(middles),
        baby=baby,
        surname=normalise_name(surname),
        dob=date_of_birth.year * 10000 + date_of_birth.month * 100 + date_of_birth.day if date_of_birth else None,
        sex=sex_n if sex_n in ("M", "F") else "",
        postcode=normalise_postcode(postcode),
        address=normalise_address(address),
        nhs=nhs,
        school=normalise_name(school),
        nhs_valid=nhs_number_valid(nhs),
        nhs_previous=";".join(sorted(previous)),
        nhs_temporary=bool(nhs_number_temporary),
    )


def features_from_normalised(
    given: str,
    given_full: str,
    middles: str,
    baby: bool,
    surname: str,
    dob: int | None,
    sex: str,
    postcode: str,
    address: str,
    nhs: str,
    school: str,
    nhs_valid: bool,
    nhs_previous: str,
    nhs_temporary: bool,
) -> Features:
    """Build :class:`Features` from normalised fields (name variants and codes come from caches)."""
    pc = postcode
    uk = 5 <= len(pc) <= 7 and pc[-3].isdigit() and pc[0].isalpha()
    return Features(
        given=given,
        given_full=given_full,
        given_forms=name_forms(given),
        given_phon=phonetic(given),
        middles=tuple(middles.split()),
        baby=baby,
        surname=surname.replace(" ", ""),
        surname_tokens=surname_tokens(surname) if surname else frozenset(),
        surname_phon=phonetic(surname),
        dob=(dob // 10000, dob // 100 % 100, dob % 100) if dob is not None else None,
        sex=sex,
        postcode=pc,
        outward=pc[:-3] if uk else "",
        sector=pc[:-2] if uk else "",
        address=address,
        nhs=nhs,
        school=school,
        nhs_valid=nhs_valid,
        nhs_previous=frozenset(nhs_previous.split(";")) if nhs_previous else frozenset(),
        nhs_temporary=nhs_temporary,
    )


def features_of(
    *,
    given_name: str,
    middle_names: str,
    surname: str,
    date_of_birth: date | None,
    sex: str | None,
    postcode: str,
    address: str,
    nhs_number: str,
    school: str = "",
    previous_nhs_numbers: str = "",
    nhs_number_temporary: bool = False,
) -> Features:
    """Normalise one record's fields into :class:`Features`."""
    return features_from_normalised(
        *normalise_fields(
            given_name=given_name,
            middle_names=middle_names,
            surname=surname,
            date_of_birth=date_of_birth,
            sex=sex,
            postcode=postcode,
            address=address,
            nhs_number=nhs_number,
            school=school,
            previous_nhs_numbers=previous_nhs_numbers,
            nhs_number_temporary=nhs_number_temporary,
        )
    )


def _jw(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(a, b)


def _same_onset(a: str, b: str) -> bool:
    """Return whether two names start alike: the same letter, or both a vowel (Omar/Umar).

    Metaphone drops vowels, so without this Aanya and Noah would share the key "N".
    """
    return a[0] == b[0] or (a[0] in "aeiouy" and b[0] in "aeiouy")


def given_level(a: Features, b: Features) -> int:
    """Compare first given names (with nicknames, transliteration and middle names)."""
    if not a.given or not b.given:
        return MISSING
    if a.given == b.given:
        return 0
    if a.given_forms & b.given_forms:
        return 1
    if a.given_phon and a.given_phon == b.given_phon and _same_onset(a.given, b.given):
        return 2
    sim = _jw(a.given, b.given)
    if sim >= 0.92 or DamerauLevenshtein.distance(a.given, b.given) <= 1:
        return 3
    if a.given in b.middles or b.given in a.middles:
        return 4
    if sim >= 0.8 or (len(a.given) == 1 or len(b.given) == 1) and a.given[0] == b.given[0]:
        return 5
    return 6


def surname_level(a: Features, b: Features) -> int:
    """Compare surnames (with double-barrelled parts, transliteration and typos)."""
    if not a.surname or not b.surname:
        return MISSING
    if a.surname == b.surname:
        return 0
    if a.surname_tokens & b.surname_tokens:
        return 1
    if a.surname_phon and a.surname_phon == b.surname_phon:
        return 2
    sim = _jw(a.surname, b.surname)
    if sim >= 0.92 or DamerauLevenshtein.distance(a.surname, b.surname) <= 1:
        return 3
    if sim >= 0.8:
        return 4
    return 5


def _cross_level(given: str, surname: str, surname_phon: str) -> int | None:
    """Return how well a given name agrees with a surname recorded in the other field."""
    if not given or not surname:
        return None
    if given == surname:
        return 0
    if phonetic(given) == surname_phon:
        return 2
    if _jw(given, surname) >= 0.92:
        return 3
    return None


def swapped_levels(a: Features, b: Features) -> tuple[int, int] | None:
    """Return (given, surname) levels if one or both names look recorded in the other field.

    Each crossed comparison that agrees replaces its direct level; None when neither does.
    """
    cross_given = _cross_level(a.given_full, b.surname, b.surname_phon)
    cross_surname = _cross_level(b.given_full, a.surname, a.surname_phon)
    if cross_given is None and cross_surname is None:
        return None
    return (
        cross_given if cross_given is not None else LEVELS_DISAGREE_GIVEN,
        cross_surname if cross_surname is not None else LEVELS_DISAGREE_SURNAME,
    )


def dob_level(a: Features, b: Features) -> int:
    """Compare dates of birth, recognising day/month transposition and single-part errors."""
    if a.dob is None or b.dob is None:
        return MISSING
    if a.dob == b.dob:
        return 0
    (ya, ma, da), (yb, mb, db) = a.dob, b.dob
    if ya == yb and ma == db and da == mb:
        return 1
    same = (ya == yb) + (ma == mb) + (da == db)
    if same == 2:
        return 2
    if ya == yb or (ma == mb and da == db):
        return 3
    return 4


def location_level(a: Features, b: Features) -> int:
    """Compare where the person lives: postcode and address together."""
    if not a.postcode and not a.address or not b.postcode and not b.address:
        return MISSING
    same_pc = bool(a.postcode) and a.postcode == b.postcode
    same_addr = (
        bool(a.address)
        and bool(b.address)
        and (a.address == b.address or fuzz.token_set_ratio(a.address, b.address) >= 88)
    )
    if same_pc and same_addr:
        return 0
    if same_pc:
        return 1
    if same_addr:
        return 2
    if a.postcode and b.postcode:
        if a.sector and a.sector == b.sector:
            return 3
        if not a.sector and DamerauLevenshtein.distance(a.postcode, b.postcode) <= 1:
            return 3
        if a.outward and a.outward == b.outward:
            return 4
    return 5


def nhs_level(a: Features, b: Features) -> int:
    """Compare NHS (or other national) numbers, allowing one keying error.

    A number one record lists as the person's previous number counts as agreement (the NHS
    issues a new number in a few cases, such as adoption); a temporary number that differs
    says nothing, so the comparison is missing.
    """
    if not a.nhs or not b.nhs:
        return MISSING
    if a.nhs == b.nhs or a.nhs in b.nhs_previous or b.nhs in a.nhs_previous:
        return 0
    if DamerauLevenshtein.distance(a.nhs, b.nhs) <= 1:
        return 1
    if a.nhs_temporary or b.nhs_temporary:
        return MISSING
    return 2


def nickname_direct(a: Features, b: Features) -> bool:
    """Return whether one first name is a known short form of the other (Bill/William).

    :func:`given_level` also calls two names nicknames when both are short forms of a third
    (Jack and Jake, both of Jacob): fine for one child, but twins are named that way too.
    """
    return a.given in b.given_forms or b.given in a.given_forms


def school_level(a: Features, b: Features) -> int:
    """Compare schools attended (exact after normalisation)."""
    if not a.school or not b.school:
        return MISSING
    return 0 if a.school == b.school or fuzz.ratio(a.school, b.school) >= 92 else 1


def compare(a: Features, b: Features) -> tuple[int, int, int, int, int, int, int]:
    """Return the level of every field (in :data:`FIELDS` order) for a pair of records."""
    sex = MISSING if not a.sex or not b.sex else (0 if a.sex == b.sex else 1)
    return (
        given_level(a, b),
        surname_level(a, b),
        dob_level(a, b),
        sex,
        location_level(a, b),
        nhs_level(a, b),
        school_level(a, b),
    )
