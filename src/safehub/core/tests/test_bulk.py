"""core.bulk: keys reserved for rows written without the ORM are new, distinct and never handed out again."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from safehub.core.bulk import bulk_insert, reserve_ids
from safehub.people.models import Person

pytestmark = pytest.mark.django_db


def test_reserved_keys_are_new_distinct_and_not_handed_out_again():
    existing = Person.objects.create(family_name="Before")
    with transaction.atomic():
        keys = reserve_ids(Person, 500)
        bulk_insert(Person, [Person(pk=k, family_name=f"P{k}") for k in keys])
    later = Person.objects.create(family_name="After")

    assert len(set(keys)) == 500 and keys == sorted(keys)
    assert min(keys) > existing.pk and later.pk > max(keys)
    assert Person.objects.filter(pk__in=keys).count() == 500


def test_keys_that_do_not_come_out_contiguous_are_returned_one_by_one():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's keys are a range after the largest in use")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Person._meta.db_table])
        sequence = cursor.fetchone()[0]
        # Every other key, as when another session draws from the sequence at the same time.
        cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 2")  # rolled back with the test
    keys = reserve_ids(Person, 5)

    assert [b - a for a, b in zip(keys, keys[1:], strict=False)] == [2, 2, 2, 2]
