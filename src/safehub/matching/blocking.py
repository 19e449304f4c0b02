"""Blocking keys: which records are worth comparing at all.

Two records become a candidate pair when they share at least one key.  The keys are chosen so
that each hard case still shares one:

* ``n``  NHS number, and any previous NHS number the record lists (everything else may be wrong);
* ``ny`` the unordered pair of phonetic given-name and surname codes plus birth year (nicknames
  map to their canonical name, so Bill/William agree; unordered, so swapped names agree; one key
  per part of a double surname);
* ``dg``/``ds`` date of birth with day and month sorted (so 03/04 meets 04/03) plus the first
  letter of the given name / surname (catches any change to the other name, and "Baby Smith");
* ``nd`` phonetic names plus sorted day/month (catches a wrong year);
* ``pg``/``ps`` postcode plus phonetic given name / surname (catches a wrong or missing DOB);
* ``pa`` postcode plus the start of the address (catches names mangled beyond phonetics);
* ``nn`` phonetic names alone, used only when one side has no date of birth at all.
"""

from __future__ import annotations

from safehub.matching.features import Features, phonetic

NO_DOB_KEY = "nn"


def _given_codes(f: Features) -> set[str]:
    codes = {phonetic(form) for form in f.given_forms} if f.given else set()
    if f.middles:
        codes.add(phonetic(f.middles[0]))
    codes.discard("")
    return codes


def _surname_codes(f: Features) -> set[str]:
    codes = {phonetic(tok) for tok in f.surname_tokens}
    codes.discard("")
    return codes


def blocking_keys(f: Features) -> list[tuple]:
    """Return the blocking keys of one record (see the module docstring)."""
    keys: list[tuple] = []
    if f.nhs:
        keys.append(("n", f.nhs))
    for previous in f.nhs_previous:
        keys.append(("n", previous))
    given = _given_codes(f)
    surnames = _surname_codes(f)
    dm = None
    if f.dob is not None:
        y, m, d = f.dob
        dm = (min(m, d), max(m, d))
        if f.given:
            keys.append(("dg", y, dm, f.given[0]))
        if f.surname:
            keys.append(("ds", y, dm, f.surname[0]))
    for g in given:
        for s in surnames:
            pair = (g, s) if g <= s else (s, g)
            if f.dob is not None:
                keys.append(("ny", pair, f.dob[0]))
                keys.append(("nd", pair, dm))
            keys.append((NO_DOB_KEY, pair))
    if f.postcode:
        if f.address:
            keys.append(("pa", f.postcode, " ".join(f.address.split()[:2])))
        for g in given:
            keys.append(("pg", f.postcode, g))
        for s in surnames:
            keys.append(("ps", f.postcode, s))
    return keys
