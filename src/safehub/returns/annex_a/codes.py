"""Annex A code lists: Ofsted's template labels ("a) Male"), Safehub's codes, and the other spellings
real files use. Matching is forgiving (case, spacing, punctuation, with or without the "a)" prefix);
writing always uses the template label."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PREFIX = re.compile(r"^\s*([a-z]{1,2}\d?)\)\s*", re.IGNORECASE)


def norm(text: str) -> str:
    """Lower-case, with every run of punctuation or spacing turned into one space."""
    return _NON_ALNUM.sub(" ", text.lower()).strip()


@dataclass(frozen=True)
class Code:
    value: str  # Safehub's code
    label: str  # Ofsted template label
    synonyms: tuple[str, ...] = ()


@dataclass
class CodeList:
    name: str
    codes: tuple[Code, ...]
    _lookup: dict[str, str] = field(default_factory=dict, repr=False)
    _letters: dict[str, str] = field(default_factory=dict, repr=False)
    _cache: dict[str, str | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for code in self.codes:
            bare = _PREFIX.sub("", code.label)
            for spelling in (code.value, code.label, bare, *code.synonyms):
                self._lookup.setdefault(norm(spelling), code.value)
            # "1A: Individual" is also known by its leading code alone
            lead = bare.split(":")[0]
            self._lookup.setdefault(norm(lead), code.value)
            prefix = _PREFIX.match(code.label)
            if prefix:
                self._letters.setdefault(prefix.group(1).lower(), code.value)
        # keyed by code; looked up with any cell value (a non-code value is returned unchanged)
        self.label_of: dict[object, str] = {c.value: c.label for c in self.codes}

    def parse(self, raw: str) -> str | None:
        """Return Safehub's code for a cell, or None when it is not one of this list's values."""
        try:
            return self._cache[raw]
        except KeyError:
            pass
        found = self._parse(raw)
        if len(self._cache) < 100_000:
            self._cache[raw] = found
        return found

    def _parse(self, raw: str) -> str | None:
        text = raw.strip()
        key = norm(text)
        if key in self._lookup:
            return self._lookup[key]
        prefix = _PREFIX.match(text)
        if prefix:
            rest = norm(text[prefix.end() :])
            if rest in self._lookup:
                return self._lookup[rest]
            if not rest or rest.split(" ")[0] not in self._lookup:
                return self._letters.get(prefix.group(1).lower())
        first = key.split(" ")[0] if key else ""
        if first and first in self._lookup and first not in {"a", "b", "c", "d"}:
            return self._lookup[first]
        return None


def _labelled(rows: list[tuple[str, str, tuple[str, ...]]]) -> tuple[Code, ...]:
    return tuple(Code(value, label, synonyms) for value, label, synonyms in rows)


GENDER = CodeList(
    "gender",
    _labelled(
        [
            ("M", "a) Male", ("m", "boy")),
            ("F", "b) Female", ("f", "girl")),
            ("U", "c) Not stated/recorded", ("u", "unknown", "not known", "not stated", "not recorded", "0")),
            ("I", "d) Neither", ("indeterminate", "i", "9")),
        ]
    ),
)

ETHNICITY = CodeList(
    "ethnicity",
    _labelled(
        [
            ("WBRI", "a) WBRI", ("White British", "White English Welsh Scottish Northern Irish or British")),
            ("WIRI", "b) WIRI", ("White Irish",)),
            ("WIRT", "c) WIRT", ("Traveller of Irish heritage", "White Traveller of Irish heritage")),
            ("WOTH", "d) WOTH", ("Any other White background", "White other")),
            ("WROM", "e) WROM", ("Gypsy/Roma", "Gypsy Roma", "White Gypsy or Roma")),
            ("MWBC", "f) MWBC", ("White and Black Caribbean", "Mixed White and Black Caribbean")),
            ("MWBA", "g) MWBA", ("White and Black African", "Mixed White and Black African")),
            ("MWAS", "h) MWAS", ("White and Asian", "Mixed White and Asian")),
            ("MOTH", "i) MOTH", ("Any other Mixed background", "Mixed other")),
            ("AIND", "j) AIND", ("Indian", "Asian Indian")),
            ("APKN", "k) APKN", ("Pakistani", "Asian Pakistani")),
            ("ABAN", "l) ABAN", ("Bangladeshi", "Asian Bangladeshi")),
            ("AOTH", "m) AOTH", ("Any other Asian background", "Asian other")),
            ("BCRB", "n) BCRB", ("Caribbean", "Black Caribbean")),
            ("BAFR", "o) BAFR", ("African", "Black African")),
            ("BOTH", "p) BOTH", ("Any other Black background", "Black other")),
            ("CHNE", "q) CHNE", ("Chinese",)),
            ("OOTH", "r) OOTH", ("Any other ethnic group", "Other ethnic group")),
            ("REFU", "s) REFU", ("Refused", "Declined", "Did not wish to disclose")),
            ("NOBT", "t) NOBT", ("Information not yet obtained", "Not obtained", "Not yet obtained", "Unknown")),
        ]
    ),
)

SOURCE = CodeList(
    "source",
    _labelled(
        [
            ("1A", "a) 1A: Individual", ("Individual family member relative or carer", "family member")),
            ("1B", "b) 1B: Individual", ("Individual acquaintance", "acquaintance")),
            ("1C", "c) 1C: Individual", ("Individual self", "self")),
            ("1D", "d) 1D: Individual", ("Individual other", "Individual other including strangers")),
            ("2A", "e) 2A: Schools", ("Schools", "School")),
            ("2B", "f) 2B: Education services", ("Education services", "Education")),
            ("3A", "g) 3A: Health services", ("GP", "Health services general practitioner GP")),
            ("3B", "h) 3B: Health services", ("Health visitor", "Health services health visitor")),
            ("3C", "i) 3C: Health services", ("School nurse", "Health services school nurse")),
            ("3D", "j) 3D: Health services", ("Other primary health services",)),
            ("3E", "k) 3E: Health services", ("A&E", "A and E", "Accident and emergency")),
            ("3F", "l) 3F: Health services", ("Health other", "Other health services", "Hospice")),
            ("4", "m) 4: Housing", ("Housing", "Housing association")),
            ("5A", "n) 5A: LA services", ("LA services social care", "Social care")),
            ("5B", "o) 5B: LA services", ("LA services other internal", "Other internal")),
            ("5C", "p) 5C: LA services", ("LA services external", "External")),
            ("5D", "p1) 5D: LA services", ("LA services early help", "Early help")),
            ("6", "q) 6: Police", ("Police",)),
            ("7", "r) 7: Other legal agency", ("Other legal agency", "Courts", "Probation")),
            ("8", "s) 8: Other", ("Other",)),
            ("9", "t) 9: Anonymous", ("Anonymous",)),
            ("10", "u) 10: Unknown", ("Unknown",)),
        ]
    ),
)

YES_NO = CodeList("yes_no", _labelled([("Y", "a) Yes", ("y", "true", "1")), ("N", "b) No", ("n", "false", "0"))]))

YES_NO_UNKNOWN = CodeList(
    "yes_no_unknown",
    _labelled(
        [
            ("Y", "a) Yes", ("y", "true", "1")),
            ("N", "b) No", ("n", "false", "0")),
            ("U", "c) Unknown", ("u", "not known", "dont know")),
        ]
    ),
)

CATEGORY_OF_ABUSE = CodeList(
    "category_of_abuse",
    _labelled(
        [
            ("NEGLECT", "a) Neglect", ("NEG", "N")),
            ("PHYSICAL", "b) Physical abuse", ("Physical", "PHY", "P")),
            ("SEXUAL", "c) Sexual abuse", ("Sexual", "SAB", "S")),
            ("EMOTIONAL", "d) Emotional abuse", ("Emotional", "EMO", "E")),
            ("MULTIPLE", "e) Multiple/not recommended", ("Multiple", "MUL", "M")),
        ]
    ),
)

NEED_CODE = CodeList(
    "need_code",
    _labelled(
        [
            ("N1", "N1 - Abuse or neglect", ()),
            ("N2", "N2 - Child's disability", ()),
            ("N3", "N3 - Parental disability or illness", ()),
            ("N4", "N4 - Family in acute stress", ()),
            ("N5", "N5 - Family dysfunction", ()),
            ("N6", "N6 - Socially unacceptable behaviour", ()),
            ("N7", "N7 - Low income", ()),
            ("N8", "N8 - Absent parenting", ()),
            ("N9", "N9 - Cases other than children in need", ()),
            ("N0", "N0 - Not stated", ()),
        ]
    ),
)

CLOSURE_REASON = CodeList(
    "closure_reason",
    _labelled(
        [
            ("RC1", "RC1 - Adopted", ()),
            ("RC2", "RC2 - Died", ()),
            ("RC3", "RC3 - Child arrangements order", ()),
            ("RC4", "RC4 - Special guardianship order", ()),
            ("RC5", "RC5 - Transferred to services of another local authority", ()),
            ("RC6", "RC6 - Transferred to adult social care services", ()),
            ("RC7", "RC7 - Services ceased for any other reason, including child no longer in need", ()),
            ("RC8", "RC8 - Case closed after assessment, no further action", ()),
            ("RC9", "RC9 - Case closed after assessment, referred to early help", ()),
        ]
    ),
)

LEGAL_STATUS = CodeList(
    "legal_status",
    _labelled(
        [
            ("C1", "C1: ICO", ("Interim care order",)),
            ("C2", "C2: FCO", ("Full care order",)),
            ("D1", "D1: Freeing order", ()),
            ("E1", "E1: Placement order", ()),
            ("V2", "V2: Single period under S20", ("Section 20", "S20")),
            ("V3", "V3: Short term breaks, episodes recorded", ()),
            ("V4", "V4: Short term breaks, agreements recorded", ()),
            ("L1", "L1: Police protection LA accommodation", ()),
            ("L2", "L2: EPO", ("Emergency protection order",)),
            ("L3", "L3: Child assessment order LA accommodation", ()),
            ("J1", "J1: Remanded to LA or youth detention", ()),
            ("J2", "J2: LA accommodation under PACE", ()),
            ("J3", "J3: Youth rehabilitation order", ()),
        ]
    ),
)
