"""Roll matching a chunk at a time answers exactly as row by row did, with a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest

from safehub.pathways import rules
from safehub.pathways.roll_matching import RollEntry, roll_entries_match, roll_entry_match
from safehub.people.matching_service import register_index, reset_index
from safehub.people.models import Address, Person
from safehub.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _person(given, family, born, postcode="SO14 2AA", **kw) -> Person:
    person = PersonFactory(given_name=given, family_name=family, date_of_birth=born, **kw)
    Address.objects.create(person=person, line_1="1 High Street", postcode=postcode, started_date=date(2020, 1, 1))
    return person


@pytest.fixture
def register():
    """Twins, namesakes, an odd spelling, a pupil number, a sealed child and a merged record."""
    reset_index()
    people = {
        "maisie": _person("Maisie", "Hartley", date(2016, 2, 14)),
        "riley": _person("Riley", "Okafor", date(2017, 6, 3)),
        "rylee": _person("Rylee", "Okafor", date(2017, 6, 3)),  # twin
        "jack_a": _person("Jack", "Smith", date(2015, 1, 9), "SO15 1AA"),
        "jack_b": _person("Jack", "Smith", date(2015, 1, 9), "SO16 7ZZ"),  # namesake, same birthday
        "jack_c": _person("Jack", "Smith", date(2012, 11, 30), "SO17 2BB"),  # namesake, older
        "mohammed": _person("Mohammed", "Rahman", date(2014, 8, 21), "SO14 0DD"),
        "oliwia": _person("Oliwia", "Kowalska", date(2014, 5, 5), upn="A123456789012"),
        "sealed": _person("Amara", "Nwosu", date(2016, 4, 4), sealed=True),
    }
    duplicate = _person("Maisie", "Hartley", date(2016, 2, 14))
    duplicate.merged_into = people["maisie"]
    duplicate.save(update_fields=["merged_into"])
    for i in range(30):  # a register around them, so blocking has something to leave out
        _person(f"Pupil{i}", f"Family{i % 7}", date(2013 + i % 6, 1 + i % 12, 1 + i % 27), f"SO1{i % 9} 3XY")
    yield people
    reset_index()


ROLL = [
    RollEntry(2, "Maisie", "Hartley", date(2016, 2, 14), "SO14 2AA", ""),
    RollEntry(3, "Riley", "Okafor", date(2017, 6, 3), "SO14 2AA", ""),
    RollEntry(4, "Rylee", "Okafor", date(2017, 6, 3), "", ""),
    RollEntry(5, "Jack", "Smith", date(2015, 1, 9), "", ""),
    RollEntry(6, "Jack", "Smith", date(2012, 11, 30), "SO17 2BB", ""),
    RollEntry(7, "Muhammad", "Rahman", date(2014, 8, 21), "SO14 0DD", ""),  # an odd spelling
    RollEntry(8, "Olivia", "Kowalski", date(2014, 5, 5), "", "A123456789012"),
    RollEntry(9, "Amara", "Nwosu", date(2016, 4, 4), "SO14 2AA", ""),
    RollEntry(10, "Tomasz", "Nowak", date(2015, 9, 9), "SO16 3QQ", ""),
]


def _plain(match) -> tuple:
    return (match.outcome, match.person.pk if match.person else None, match.candidates, match.best)


def test_a_batched_run_agrees_with_the_row_by_row_result(register):
    one_by_one = [_plain(roll_entry_match(entry)) for entry in ROLL]
    for chunk_rows in (500, 4, 1):  # one chunk, chunks that split the twins, a row per chunk
        assert [_plain(m) for m in roll_entries_match(ROLL, chunk_rows=chunk_rows)] == one_by_one
    outcomes = {entry.row_number: result for entry, result in zip(ROLL, one_by_one, strict=True)}
    # The roll is a hard one, not nine easy rows: both paths meet every outcome.
    assert outcomes[2][:2] == (rules.ROLL_LINK, register["maisie"].pk)  # the merged duplicate is no rival
    assert outcomes[3][0] == outcomes[4][0] == rules.ROLL_REVIEW  # twins go to a person
    assert outcomes[5][0] == rules.ROLL_REVIEW  # namesakes born the same day
    assert outcomes[8][:2] == (rules.ROLL_LINK, register["oliwia"].pk)  # the UPN decides
    assert outcomes[9][:2] == (rules.ROLL_REVIEW, None)  # sealed: never linked by the machine
    assert outcomes[10][0] == rules.ROLL_NOT_FOUND
    assert register["mohammed"].pk in {c["person_id"] for c in outcomes[7][2]}  # the odd spelling is found


def test_a_batched_run_reads_the_database_once_per_chunk_not_per_row(register, django_assert_max_num_queries):
    register_index()  # built once per process, before any roll
    many = [
        RollEntry(n, e.given_name, e.family_name, e.date_of_birth, e.postcode, e.upn) for n, e in enumerate(ROLL * 20)
    ]
    with django_assert_max_num_queries(5):  # new people since the index was built (2) + 3 for the one chunk
        matched = roll_entries_match(many, chunk_rows=500)
    assert len(matched) == len(many)
