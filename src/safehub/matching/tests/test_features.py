"""Tests for field comparison levels."""

from __future__ import annotations

from datetime import date

from safehub.matching import MatchRecord
from safehub.matching.features import (
    LEVELS,
    MISSING,
    dob_level,
    given_level,
    location_level,
    nhs_level,
    surname_level,
    swapped_levels,
)


def rec(given: str = "William", surname: str = "Smith", dob: date | None = date(2010, 3, 4), **kw: str) -> MatchRecord:
    return MatchRecord(
        record_id=kw.get("record_id", "r"),
        given_name=given,
        middle_names=kw.get("middle", ""),
        surname=surname,
        date_of_birth=dob,
        sex=kw.get("sex", "M"),
        postcode=kw.get("postcode", "SO14 3AB"),
        address=kw.get("address", "12 Elm Road"),
        nhs_number=kw.get("nhs", ""),
    )


def level_name(field: str, level: int) -> str:
    return "missing" if level == MISSING else LEVELS[field][level]


def test_nickname_and_transliteration_levels() -> None:
    assert level_name("given_name", given_level(rec("Bill").features(), rec("William").features())) == "nickname"
    assert level_name("given_name", given_level(rec("Sasha").features(), rec("Alexandra").features())) == "nickname"
    assert (
        level_name("given_name", given_level(rec("Mohammed").features(), rec("Muhammad").features()))
        == "transliteration"
    )
    assert level_name("given_name", given_level(rec("Yusuf").features(), rec("Yousef").features())) == "transliteration"
    assert level_name("given_name", given_level(rec("Ruby").features(), rec("Rudy").features())) == "fuzzy"
    assert level_name("given_name", given_level(rec("Peter").features(), rec("Ahmed").features())) == "disagree"


def test_baby_placeholder_counts_as_missing_given_name() -> None:
    baby = rec("Baby").features()
    assert baby.baby and baby.given == ""
    assert given_level(baby, rec("Olivia").features()) == MISSING


def test_double_barrelled_and_gendered_surnames_agree_partially() -> None:
    double = rec(surname="Smith-Jones").features()
    assert level_name("surname", surname_level(double, rec(surname="Jones").features())) == "partial"
    assert (
        level_name("surname", surname_level(rec(surname="Kowalska").features(), rec(surname="Kowalski").features()))
        == "partial"
    )
    assert surname_level(rec(surname="Al-Hassan").features(), rec(surname="Alhassan").features()) == 0
    assert surname_level(rec(surname="Łukasiewicz").features(), rec(surname="LUKASIEWICZ").features()) == 0


def test_name_swap_is_detected() -> None:
    a = rec("Hussain", "Ali").features()
    b = rec("Ali", "Hussain").features()
    assert swapped_levels(a, b) == (0, 0)
    assert swapped_levels(rec("Ali", "Khan").features(), b) is None


def test_date_of_birth_levels() -> None:
    base = rec(dob=date(2010, 3, 4)).features()
    assert dob_level(base, rec(dob=date(2010, 4, 3)).features()) == 1
    assert dob_level(base, rec(dob=date(2011, 3, 4)).features()) == 2
    assert dob_level(base, rec(dob=None).features()) == MISSING
    assert level_name("date_of_birth", dob_level(base, rec(dob=date(1970, 9, 9)).features())) == "disagree"


def test_location_and_nhs_levels() -> None:
    home = rec().features()
    assert location_level(home, rec(postcode="so143ab", address="12 Elm Rd").features()) == 0
    assert (
        level_name("location", location_level(home, rec(postcode="SO14 3XY", address="9 Oak Way").features()))
        == "sector"
    )
    assert (
        level_name("location", location_level(home, rec(postcode="SO19 9XY", address="9 Oak Way").features()))
        == "disagree"
    )
    assert nhs_level(rec(nhs="9434765919").features(), rec(nhs="943 476 5919").features()) == 0
    assert nhs_level(rec(nhs="9434765919").features(), rec(nhs="9434765991").features()) == 1
    assert nhs_level(rec(nhs="9434765919").features(), rec(nhs="").features()) == MISSING
