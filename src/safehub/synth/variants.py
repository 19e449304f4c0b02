"""How agencies record the same person differently: transliterations, nicknames, typos, swapped or missing fields, wrong dates of birth."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from nicknames import NickNamer

from safehub.synth.addresses import synthetic_address
from safehub.synth.person import SynthPerson

# Groups of spellings that agencies use interchangeably for the same name.
TRANSLITERATIONS: list[tuple[str, ...]] = [
    ("Muhammad", "Mohammed", "Mohammad", "Mohamed", "Muhammed", "Mohamad", "Mahamed"),
    ("Yusuf", "Yousef", "Yousuf", "Yusef", "Youssef", "Yosef"),
    ("Ahmed", "Ahmad", "Ahmet"),
    ("Hussain", "Hussein", "Husain", "Hossain", "Husein"),
    ("Abdul", "Abdel", "Abdal"),
    ("Fatima", "Fatimah", "Fatma", "Fatema"),
    ("Aisha", "Ayesha", "Aysha", "Aishah"),
    ("Usman", "Osman", "Othman", "Uthman"),
    ("Mustafa", "Mostafa", "Mustapha"),
    ("Ibrahim", "Ebrahim", "Ibraheem"),
    ("Khadija", "Khadijah", "Khadeeja"),
    ("Zainab", "Zaynab", "Zeinab"),
    ("Omar", "Umar", "Omer"),
    ("Hassan", "Hasan"),
    ("Tariq", "Tarek", "Tarik", "Tareq"),
    ("Chowdhury", "Choudhury", "Chaudhry", "Chaudhary", "Choudhry"),
    ("Rahman", "Rehman"),
    ("Mahmood", "Mahmoud", "Mahmud", "Mehmood"),
    ("Mohamud", "Mahamud", "Mohamoud"),
    ("Yasin", "Yaseen", "Yassin", "Yassine"),
    ("Abdullahi", "Abdallah", "Abdullah"),
    ("Abdirahman", "Abdulrahman", "Abdurahman"),
    ("Maryam", "Mariam", "Maryan"),
    ("Noor", "Nour", "Nur", "Nuur"),
    ("Amina", "Aminah", "Ameena"),
    ("Khalid", "Khaled"),
    ("Yahya", "Yahia"),
    ("Zakariya", "Zakaria", "Zakariyya", "Zachariah"),
    ("Miah", "Mia", "Meah"),
    ("Begum", "Begom"),
    ("Hoque", "Haque", "Hoq"),
    ("Islam", "Eslam"),
    ("Uddin", "Udin", "Ud-din"),
    ("Tesfay", "Tesfaye", "Tesfai"),
    ("Gebremedhin", "Gebre Medhin", "Ghebremedhin"),
    ("Ghebremariam", "Gebremariam", "Gebre Mariam"),
    ("Woldemariam", "Weldemariam", "Wolde Mariam"),
    ("Yohannes", "Yohanes", "Johannes"),
    ("Kawa", "Kaveh"),
    ("Mohammadi", "Mohammedi"),
    ("Zhang", "Cheung", "Chang"),
    ("Chen", "Chan", "Chin"),
    ("Wang", "Wong"),
    ("Li", "Lee", "Lei"),
    ("Huang", "Wong", "Hwang"),
    ("Al-Hassan", "Alhassan", "Al Hassan", "El-Hassan"),
    ("Al-Ahmad", "Alahmad", "Al Ahmad"),
    ("Al-Khatib", "Alkhatib", "El-Khatib"),
    ("Al-Hussein", "Alhussein", "Al Hussein"),
    ("Al-Ali", "Alali", "Al Ali"),
    ("Al-Jabouri", "Aljabouri", "Al-Jaburi"),
    ("Mohammed", "Muhammad", "Mohamed"),
    ("Oluwaseun", "Seun"),
    ("Oluwatobi", "Tobi"),
    ("Chukwuemeka", "Emeka"),
    ("Ionuț", "Ionut"),
    ("Ștefan", "Stefan"),
]


@lru_cache(maxsize=1)
def _transliteration_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for group in TRANSLITERATIONS:
        for name in group:
            index.setdefault(name.lower(), group)
    return index


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def strip_diacritics(text: str) -> str:
    """Return text with accents removed (Łukasz -> Lukasz), as many English systems store it."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ı", "i").replace("İ", "I")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_KEYBOARD = {
    "a": "qsz",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "w",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "x",
}


def _typo(rng: random.Random, text: str) -> str:
    """Return text with one keying error: a slip, a missed or doubled letter, or a swap."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.random()
    if op < 0.3 and text[i].isalpha():
        near = _KEYBOARD.get(text[i].lower(), "e")
        return text[:i] + rng.choice(near) + text[i + 1 :]
    if op < 0.55:
        return text[:i] + text[i + 1 :]
    if op < 0.75:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _dob_error(rng: random.Random, dob: date) -> tuple[date | None, str]:
    roll = rng.random()
    if roll < 0.35 and dob.day <= 12 and dob.day != dob.month:
        return dob.replace(month=dob.day, day=dob.month), "dob_transposed"
    if roll < 0.6:
        year = dob.year + rng.choice([-1, 1, -10, 10])
        try:
            return dob.replace(year=year), "dob_year"
        except ValueError:
            return dob.replace(year=year, day=28), "dob_year"
    if roll < 0.85:
        return dob + timedelta(days=rng.choice([-1, 1])), "dob_day"
    return None, "dob_missing"


def make_variant(person: SynthPerson, rng: random.Random, *, as_of: date | None = None) -> dict:
    """Return the same person as another agency might record them, with realistic errors.

    The result has the fields of :class:`SynthPerson` (``date_of_birth`` and ``nhs_number``
    may be None) plus ``corruptions``: the list of changes made, so that a benchmark can
    report which hard cases a matcher gets right.  Pass ``as_of`` to let newborns be recorded
    as "Baby" plus surname.
    """
    given, middle, family = person.given_name, person.middle_names, person.family_name
    sex: str | None = person.sex
    dob: date | None = person.date_of_birth
    nhs = person.nhs_number
    address_line, postcode = person.address_line, person.postcode
    done: list[str] = []

    if as_of is not None and (as_of - person.date_of_birth).days < 120 and rng.random() < 0.5:
        given, middle = "Baby", ""
        done.append("baby")
    else:
        group = _transliteration_index().get(given.lower())
        roll = rng.random()
        if group and roll < 0.45:
            given = rng.choice([g for g in group if g.lower() != given.lower()] or [given])
            done.append("given_transliteration")
        elif roll < 0.58:
            nicks = sorted(_nicknamer().nicknames_of(given))
            if nicks:
                given = rng.choice(nicks).title()
                done.append("nickname")
        elif roll < 0.62 and middle:
            given, middle = middle.split()[0], ""
            done.append("known_by_middle_name")
        if rng.random() < 0.07:
            given = _typo(rng, given)
            done.append("given_typo")
    if middle and rng.random() < 0.45:
        middle = ""
        done.append("middle_dropped")

    group = _transliteration_index().get(family.lower())
    if group and rng.random() < 0.35:
        family = rng.choice([g for g in group if g.lower() != family.lower()] or [family])
        done.append("surname_transliteration")
    if ("-" in family or " " in family) and rng.random() < 0.5:
        parts = [p for p in family.replace("-", " ").split() if p]
        if family.startswith(("Al-", "El-")) and rng.random() < 0.5:
            family = family.replace("-", "")
        else:
            family = rng.choice(parts)
        done.append("surname_part")
    if rng.random() < 0.07:
        family = _typo(rng, family)
        done.append("surname_typo")
    if rng.random() < 0.35 and family != strip_diacritics(family):
        family = strip_diacritics(family)
        done.append("surname_diacritics")
    if rng.random() < 0.5 and given != strip_diacritics(given):
        given = strip_diacritics(given)
        done.append("given_diacritics")
    if rng.random() < 0.03 and given != "Baby":
        given, family = family, given
        done.append("names_swapped")
    if rng.random() < 0.08:
        family = family.upper()
        done.append("surname_upper")

    if rng.random() < 0.12:
        dob, kind = _dob_error(rng, person.date_of_birth)
        done.append(kind)
    if rng.random() < 0.03:
        sex = None
        done.append("sex_missing")
    if rng.random() < 0.15:
        address_line, postcode = synthetic_address(rng)
        done.append("moved")
    elif rng.random() < 0.04:
        postcode = ""
        done.append("postcode_missing")
    if nhs is not None and rng.random() < 0.35:
        nhs = None
        done.append("nhs_missing")

    return {
        "key": person.key,
        "household_key": person.household_key,
        "given_name": given,
        "middle_names": middle,
        "family_name": family,
        "sex": sex,
        "date_of_birth": dob,
        "ethnicity": person.ethnicity,
        "first_language": person.first_language,
        "nhs_number": nhs,
        "postcode": postcode,
        "address_line": address_line,
        "corruptions": done,
    }
