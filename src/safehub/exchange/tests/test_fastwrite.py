"""fastwrite: rows inserted without model instances read back as the ORM would have written them.

Run on SQLite (executemany) and on PostgreSQL (COPY): the same assertions hold on both.
"""

from __future__ import annotations

import gc
import uuid
from datetime import date, datetime

import pytest
from django.db import connection
from django.utils import timezone

from safehub.exchange.annex_a import fastwrite
from safehub.exchange.models import AnnexALink, ExternalIdentifier, ImportJob
from safehub.frontdoor.models import Contact
from safehub.people.models import Person

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2025, 5, 1, 10, 0))


@pytest.fixture
def job():
    return ImportJob.objects.create(
        kind="ANNEX_A", file_name="List 1.csv", sha256="0" * 64, requested_by_name="test", requested_at=NOW
    )


@pytest.fixture
def writes(monkeypatch):
    """Record which way rows went to the database (COPY or executemany)."""
    seen: list[str] = []
    for name in ("_copy_rows", "_executemany_rows"):
        original = getattr(fastwrite, name)

        def spy(*args, _original=original, _name=name):
            seen.append(_name)
            return _original(*args)

        monkeypatch.setattr(fastwrite, name, spy)
    return seen


def test_rows_read_back_as_written_with_defaults_and_new_keys_in_row_order(writes):
    born = [date(2015, 2, 1), None, date(2015, 2, 1), date(2020, 12, 31)]
    rows = [{"sex": sex, "date_of_birth": dob} for sex, dob in zip("MFUM", born, strict=True)]

    ids = fastwrite.fast_insert(Person, rows, constants={"family_name": "Not known"}, return_ids=True)

    assert writes == ["_copy_rows" if connection.vendor == "postgresql" else "_executemany_rows"]
    people = Person.objects.in_bulk(ids)
    assert [(people[pk].sex, people[pk].date_of_birth) for pk in ids] == [(r["sex"], r["date_of_birth"]) for r in rows]
    assert {p.family_name for p in people.values()} == {"Not known"}
    assert {p.ethnicity for p in people.values()} == {"NOBT"}  # the model's default
    assert all(p.disabilities == [] and p.created_at is not None for p in people.values())
    assert len({p.reference for p in people.values()}) == 4  # a callable default runs for every row


def test_keys_taken_by_fast_insert_are_not_handed_out_again():
    ids = fastwrite.fast_insert(Person, [{"family_name": "A"}, {"family_name": "B"}], return_ids=True)
    later = Person.objects.create(family_name="C")
    more = fastwrite.fast_insert(Person, [{"family_name": "D"}], return_ids=True)

    assert later.pk > max(ids) and more[0] > later.pk
    assert Person.objects.count() == 4


def test_datetimes_uuids_and_json_round_trip(job):
    person = Person.objects.create(family_name="X")
    received = timezone.make_aware(datetime(2024, 4, 3, 12, 0))
    contact_ids = fastwrite.fast_insert(
        Contact,
        [{"person_id": person.pk, "source": "6", "received_at": received, "decision_due_at": received}] * 3,
        constants={"child_family_name": "Not known", "summary": "s", "consent": "NOT_SOUGHT", "lawful_basis": "X"},
        return_ids=True,
    )
    fastwrite.fast_insert(
        AnnexALink,
        [
            {"natural_key": "k1", "object_id": contact_ids[0], "extras": {}},
            {"natural_key": "k2", "object_id": contact_ids[1], "extras": {"allocated_team": "Assessment"}},
            {"natural_key": "k3", "object_id": contact_ids[2], "extras": {}},
        ],
        constants={"list_number": 1, "source_import_id": job.pk},
    )

    contacts = list(Contact.objects.filter(pk__in=contact_ids))
    assert {c.received_at for c in contacts} == {received} and {c.decision_due_at for c in contacts} == {received}
    assert all(isinstance(c.family_ref, uuid.UUID) for c in contacts) and len({c.family_ref for c in contacts}) == 3
    assert {c.presenting_concerns == [] for c in contacts} == {True}
    links = dict(AnnexALink.objects.values_list("natural_key", "extras"))
    assert links == {"k1": {}, "k2": {"allocated_team": "Assessment"}, "k3": {}}


def test_unknown_field_is_refused():
    with pytest.raises(ValueError, match="no fields"):
        fastwrite.fast_insert(Person, [{"family_name": "A", "nickname": "B"}])


def test_any_of_matches_the_same_rows_as_a_list(job):
    people = fastwrite.fast_insert(Person, [{"family_name": str(i)} for i in range(5)], return_ids=True)
    fastwrite.fast_insert(
        ExternalIdentifier,
        [{"person_id": p, "value": f"C{i}"} for i, p in enumerate(people)],
        constants={"system": "annex_a", "created_at": NOW},
    )

    by_value = ExternalIdentifier.objects.filter(value__in=fastwrite.any_of(["C1", "C3", "nobody"]))
    by_pk = Person.objects.filter(pk__in=fastwrite.any_of(people[:2]))

    assert sorted(by_value.values_list("value", flat=True)) == ["C1", "C3"]
    assert sorted(by_pk.values_list("pk", flat=True)) == people[:2]
    assert not Person.objects.filter(pk__in=fastwrite.any_of([])).exists()


def test_bulk_session_gives_sqlite_a_bigger_cache_and_puts_it_back():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL manages its own buffers")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        with fastwrite.bulk_session():
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -fastwrite.SQLITE_CACHE_KIB
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


def test_bulk_session_pauses_the_cycle_collector_and_restarts_it_even_after_an_error():
    assert gc.isenabled()
    with fastwrite.bulk_session():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), fastwrite.bulk_session():
        raise RuntimeError("import failed")
    assert gc.isenabled()
