"""The synthetic resident: the 'true' record the population generator makes and the variants mis-record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SynthPerson:
    """One synthetic resident as the 'true' record (before any agency mis-records them)."""

    key: int
    household_key: int
    given_name: str
    middle_names: str
    family_name: str
    sex: str
    date_of_birth: date
    ethnicity: str
    first_language: str
    nhs_number: str | None
    postcode: str
    address_line: str
