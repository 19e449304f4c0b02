"""Plain data types of the matching engine's public API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from safehub.matching.features import Features, features_of


@dataclass
class MatchRecord:
    """One agency's record of a person, as far as matching needs it."""

    record_id: str
    given_name: str
    middle_names: str
    surname: str
    date_of_birth: date | None
    sex: str | None
    postcode: str
    address: str
    nhs_number: str
    school: str = ""
    previous_nhs_numbers: str = ""  # earlier NHS numbers of this person, separated by ";"
    nhs_number_temporary: bool = False

    def features(self) -> Features:
        """Return the normalised comparison features of this record."""
        return features_of(
            given_name=self.given_name,
            middle_names=self.middle_names,
            surname=self.surname,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            postcode=self.postcode,
            address=self.address,
            nhs_number=self.nhs_number,
            school=self.school,
            previous_nhs_numbers=self.previous_nhs_numbers,
            nhs_number_temporary=self.nhs_number_temporary,
        )


@dataclass
class Candidate:
    """A register record that may be the person looked up, with the evidence for it."""

    record_id: str
    probability: float
    match_weight: float
    reasons: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class DedupeResult:
    """Outcome of batch de-duplication."""

    clusters: dict[str, str]  # record_id -> person_id
    review_pairs: list[tuple[str, str, float, list[tuple[str, str]]]]
    pairs_scored: int = 0
    model: object | None = None
    # Every scored pair as arrays (i, j, probability, held), when asked for (keep_pairs=True).
    pairs: tuple | None = None
    # How many records were de-duplicated.
    records: int = 0
    # Features of the records in review_pairs, by record id (streaming path), for their evidence.
    review_features: dict[str, Features] | None = None
