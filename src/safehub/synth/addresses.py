"""Synthetic addresses: streets grouped into households, postcodes in the city's districts (never real ones)."""

from __future__ import annotations

import random
from functools import lru_cache

from safehub.synth import names as N
from safehub.synth.pickers import _explicit_picker, _Picker

_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters allowed in the inward code


_CITY_DISTRICTS = [
    "SO14",
    "SO15",
    "SO16",
    "SO17",
    "SO18",
    "SO19",
    "SO30",
    "SO31",
    "SO40",
    "SO45",
    "SO50",
    "SO51",
    "SO52",
    "SO53",
]


_EXTRA_AREAS = ["SX", "SY", "SZ", "QA", "QB", "QC", "QD", "QE", "QF", "QG", "QH", "QJ"]


_HOUSEHOLDS_PER_STREET = 40


_HOUSEHOLDS_PER_UNIT = 12


_UNITS_PER_DISTRICT = 900


@lru_cache(maxsize=1)
def _street_pickers() -> tuple[list[str], _Picker]:
    return N.STREET_NAMES.split(), _explicit_picker(N.STREET_SUFFIXES)


def _district(index: int) -> str:
    if index < len(_CITY_DISTRICTS):
        return _CITY_DISTRICTS[index]
    rest = index - len(_CITY_DISTRICTS)
    area = _EXTRA_AREAS[(rest // 99) % len(_EXTRA_AREAS)]
    return f"{area}{rest % 99 + 1}{'' if rest < 99 * len(_EXTRA_AREAS) else rest // 1188}"


def _address(household: int) -> tuple[str, str]:
    """Return (address line, postcode) for a household index."""
    streets, suffixes = _street_pickers()
    street = household // _HOUSEHOLDS_PER_STREET
    srng = random.Random(street * 7919 + 17)
    street_name = f"{streets[(street * 31) % len(streets)]} {suffixes.pick(srng)}"
    number = household % _HOUSEHOLDS_PER_STREET + 1
    unit = household // _HOUSEHOLDS_PER_UNIT
    district = unit // _UNITS_PER_DISTRICT
    within = unit % _UNITS_PER_DISTRICT
    sector, j = divmod(within, _UNITS_PER_DISTRICT // 10)
    j2 = (j * 37 + district * 11) % 400
    inward = f"{sector}{_POSTCODE_LETTERS[j2 // 20]}{_POSTCODE_LETTERS[j2 % 20]}"
    return f"{number} {street_name}", f"{_district(district)} {inward}"


def synthetic_address(rng: random.Random, *, households: int = 110_000) -> tuple[str, str]:
    """Return a random (address line, postcode) from the city's synthetic street plan."""
    return _address(rng.randrange(households))
