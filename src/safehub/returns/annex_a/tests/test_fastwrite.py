"""fastwrite: rows inserted without model instances read back as the ORM would have written them.

Run on SQLite (``INSERT ... SELECT FROM json_each``) and on PostgreSQL (COPY): the same assertions
hold on both.
"""

from __future__ import annotations

import gc
import uuid
from datetime import date, datetime

import pytest
from django.db import connection, connections
from django.utils import timezone

from safehub.core.sql import any_of
from safehub.exchange.models import AnnexALink, ExternalIdentifier, ImportJob
from safehub.frontdoor.models import Contact
from safehub.people.models import Person, Sex
from safehub.returns.annex_a import fastwrite

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
    for name in ("_copy_data", "_copy_prepared", "_insert_json_rows", "_executemany_rows"):
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

    assert writes == ["_copy_data" if connection.vendor == "postgresql" else "_insert_json_rows"]
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

    by_value = ExternalIdentifier.objects.filter(value__in=any_of(["C1", "C3", "nobody"]))
    by_pk = Person.objects.filter(pk__in=any_of(people[:2]))

    assert sorted(by_value.values_list("value", flat=True)) == ["C1", "C3"]
    assert sorted(by_pk.values_list("pk", flat=True)) == people[:2]
    assert not Person.objects.filter(pk__in=any_of([])).exists()
    # no values for a text column: PostgreSQL once refused the empty integer array it was sent
    assert not ExternalIdentifier.objects.filter(value__in=any_of([])).exists()


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


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
        return dict(cursor.fetchall())


def test_text_that_copy_escapes_and_values_of_subclassed_types_are_stored_as_given(job):
    awkward = ["tab\there", "line\nbreak", "back\\slash \\N", "carriage\rreturn", "\\N"]
    ids = fastwrite.fast_insert(Person, [{"family_name": name, "sex": Sex.FEMALE} for name in awkward], return_ids=True)
    fastwrite.fast_insert(
        AnnexALink,
        [{"natural_key": f"k{i}", "object_id": pk, "extras": {"note": awkward[i]}} for i, pk in enumerate(ids)],
        constants={"list_number": 1, "source_import_id": job.pk},
    )

    people = Person.objects.in_bulk(ids)
    assert [people[pk].family_name for pk in ids] == awkward
    assert {p.sex for p in people.values()} == {"F"}
    extras = dict(AnnexALink.objects.values_list("object_id", "extras"))
    assert [extras[pk]["note"] for pk in ids] == awkward


def test_copy_text_spells_what_it_knows_and_refuses_the_rest():
    assert fastwrite._copy_text(None) == "\\N"
    assert fastwrite._copy_text(True) == "t" and fastwrite._copy_text(False) == "f"
    assert fastwrite._copy_text(date(2024, 4, 1)) == "2024-04-01"
    assert fastwrite._copy_text(NOW) == NOW.isoformat()
    assert fastwrite._copy_text(uuid.UUID(int=1)) == "0" * 31 + "1"
    assert fastwrite._copy_text("a\tb") == "a\\tb"
    from psycopg.types.json import Jsonb

    assert fastwrite._copy_text(Jsonb(["x", "y\tz"])) == '["x", "y\\\\tz"]'  # JSON's escape, then COPY's
    with pytest.raises(TypeError):
        fastwrite._copy_text(b"bytes")


def test_rows_with_a_value_copy_text_does_not_spell_go_through_the_driver(writes, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")

    def refuse(value):
        raise TypeError("not spelt here")

    monkeypatch.setattr(fastwrite, "_copy_text", refuse)
    ids = fastwrite.fast_insert(Person, [{"family_name": "A\tB"}, {"family_name": "C"}], return_ids=True)

    assert writes == ["_copy_prepared"]
    assert sorted(Person.objects.filter(pk__in=ids).values_list("family_name", flat=True)) == ["A\tB", "C"]


def test_keys_reserved_ahead_by_the_writer_are_never_handed_out_twice():
    with fastwrite.bulk_session():
        first = fastwrite.fast_insert(Person, [{"family_name": f"P{i}"} for i in range(10)], return_ids=True)
        between = Person.objects.create(family_name="ORM")  # takes a key outside fast_insert
        second = fastwrite.fast_insert(Person, [{"family_name": f"Q{i}"} for i in range(10)], return_ids=True)
    keys = [*first, between.pk, *second]
    assert len(set(keys)) == 21
    assert Person.objects.filter(pk__in=keys).count() == 21


def test_rows_written_by_the_writer_thread_are_seen_by_the_next_read(job):
    with fastwrite.bulk_session():
        assert fastwrite._writer_for(connections["default"]) is not None
        ids = fastwrite.fast_insert(Person, [{"family_name": f"P{i}"} for i in range(25_000)], return_ids=True)
        seen = Person.objects.filter(pk__in=any_of(ids)).count()  # waits for the writer first
    assert seen == 25_000
    assert fastwrite._writer_for(connections["default"]) is None


def test_a_statement_failing_in_the_writer_thread_is_raised_to_the_caller(job):
    from django.db import IntegrityError, transaction

    person = Person.objects.create(family_name="X")
    before = AnnexALink.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic(), fastwrite.bulk_session():
        # The same natural key twice in one list breaks the link table's unique constraint.
        fastwrite.fast_insert(
            AnnexALink,
            [{"natural_key": "same", "object_id": person.pk, "extras": {}}] * 2,
            constants={"list_number": 1, "source_import_id": job.pk},
        )
    assert AnnexALink.objects.count() == before  # nothing of the failed statement is left


def test_deferred_indexes_are_dropped_inside_and_the_same_ones_are_back_after():
    table = Contact._meta.db_table
    before = _indexes(table)
    unique = {name for name, sql in before.items() if sql is None or sql.lstrip().upper().startswith("CREATE UNIQUE")}
    assert set(before) - unique  # there are secondary indexes to defer
    assert Contact.objects.count() == 0

    with fastwrite.indexes_deferred([Contact], rows=1000) as deferred:
        inside = _indexes(table)

    assert deferred and set(deferred).isdisjoint(unique)
    assert set(inside) == set(before) - set(deferred)  # unique indexes stay: they are checks, not only look-ups
    assert _indexes(table) == before


def test_indexes_looked_up_by_stay_on_a_table_that_already_holds_rows():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL keeps every index of a table holding rows")
    person = Person.objects.create(family_name="X")
    received = timezone.make_aware(datetime(2024, 4, 3, 12, 0))
    Contact.objects.create(
        person=person,
        child_family_name="X",
        source="6",
        received_at=received,
        decision_due_at=received,
        summary="s",
        consent="NOT_SOUGHT",
        lawful_basis="PUBLIC_TASK",
    )
    by_person = {
        name
        for name, sql in _indexes(Contact._meta.db_table).items()
        if sql and sql.replace(" ", "").replace('"', "").split("(", 1)[1].startswith("person_id")
    }

    with fastwrite.indexes_deferred([Contact], rows=1000, keep_leading=["person_id"]) as deferred:
        pass
    with fastwrite.indexes_deferred([Contact], rows=0) as none_deferred:  # the table is bigger than the import
        pass

    assert by_person and by_person.isdisjoint(deferred)
    assert none_deferred == []


def test_postgresql_keeps_every_index_of_a_table_that_already_holds_rows():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL defers the indexes of empty tables only")
    Person.objects.create(family_name="X")

    with fastwrite.indexes_deferred([Person], rows=1_000_000) as deferred:
        inside = _indexes(Person._meta.db_table)

    assert deferred == [] and inside == _indexes(Person._meta.db_table)


def test_foreign_keys_are_still_checked_when_indexes_were_deferred(job):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        with fastwrite.indexes_deferred([AnnexALink], rows=1000):
            fastwrite.fast_insert(
                AnnexALink,
                [{"natural_key": "k", "object_id": 1, "extras": {}}],
                constants={"list_number": 1, "source_import_id": job.pk + 1000},  # no such import
            )
        if connection.vendor == "sqlite":
            connection.check_constraints()  # SQLite checks deferred foreign keys at commit
    assert not AnnexALink.objects.exists()


def test_indexes_are_back_after_an_import_that_fails():
    from django.db import transaction

    before = _indexes(Contact._meta.db_table)
    with pytest.raises(RuntimeError), transaction.atomic(), fastwrite.indexes_deferred([Contact], rows=1000):
        raise RuntimeError("import failed")
    assert _indexes(Contact._meta.db_table) == before


def test_postgresql_checks_foreign_keys_as_each_copy_ends_and_defers_them_again_after(job):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's deferred foreign keys")
    from django.db import IntegrityError, transaction

    no_such_import = job.pk + 1000
    with pytest.raises(IntegrityError), transaction.atomic(), fastwrite.bulk_session():
        fastwrite.fast_insert(
            AnnexALink,
            [{"natural_key": "k", "object_id": 1, "extras": {}}],
            constants={"list_number": 1, "source_import_id": no_such_import},
        )
        writer = fastwrite._writer_for(connections["default"])
        assert writer is not None
        writer.flush()  # raises here, with the COPY, not at a commit the test never reaches

    with transaction.atomic():
        with fastwrite.bulk_session():
            pass
        point = transaction.savepoint()
        # Deferred again: the ORM may write a row before the row it refers to, as Django allows.
        AnnexALink.objects.create(list_number=1, natural_key="later", object_id=1, source_import_id=no_such_import)
        transaction.savepoint_rollback(point)


def test_sqlite_keeps_the_indexes_of_a_table_holding_a_quarter_of_the_import_or_more():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL defers the indexes of empty tables only")
    Person.objects.create(family_name="X")  # one row held

    with fastwrite.indexes_deferred([Person], rows=fastwrite.REBUILD_BELOW) as kept:
        pass
    with fastwrite.indexes_deferred([Person], rows=fastwrite.REBUILD_BELOW + 1) as rebuilt:
        pass

    assert kept == []  # a re-import of about the rows held: its rows are likely there already
    assert rebuilt
