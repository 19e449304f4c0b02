"""Shared fixtures: a small synthetic register with agency-style duplicates."""

from __future__ import annotations

import itertools
import random
from datetime import date

import pytest

from safehub.matching import MatchRecord
from safehub.synth.population import SynthPerson, generate_population, make_variant

AS_OF = date(2025, 3, 31)


def record_of(record_id: str, person: SynthPerson | dict) -> MatchRecord:
    """Turn a synthetic person (or a variant dict) into a match record."""
    d = person if isinstance(person, dict) else person.__dict__
    return MatchRecord(
        record_id=record_id,
        given_name=d["given_name"],
        middle_names=d["middle_names"],
        surname=d["family_name"],
        date_of_birth=d["date_of_birth"],
        sex=d["sex"],
        postcode=d["postcode"] or "",
        address=d["address_line"],
        nhs_number=d["nhs_number"] or "",
    )


@pytest.fixture(scope="session")
def people() -> list[SynthPerson]:
    return list(itertools.islice(generate_population(seed=21, as_of=AS_OF), 6000))


@pytest.fixture(scope="session")
def register_with_duplicates(people: list[SynthPerson]) -> tuple[list[MatchRecord], dict[str, int]]:
    rng = random.Random(5)
    records: list[MatchRecord] = []
    truth: dict[str, int] = {}
    for person in people:
        records.append(record_of(f"a{person.key}", person))
        truth[f"a{person.key}"] = person.key
        if rng.random() < 0.3:
            records.append(record_of(f"b{person.key}", make_variant(person, rng, as_of=AS_OF)))
            truth[f"b{person.key}"] = person.key
    return records, truth
