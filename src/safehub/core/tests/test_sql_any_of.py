"""``field__any_of=[...]`` keeps the same rows as ``field__in=[...]`` on both databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.people.models import Involvement, Person
from safehub.testing.factories.shared import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_any_of_keeps_the_same_rows_as_in_on_keys_foreign_keys_and_text() -> None:
    people = [PersonFactory(family_name=f"Anyof{i}") for i in range(5)]
    for p in people[:3]:
        InvolvementFactory(person=p)
    wanted = [people[0].pk, people[2].pk, people[4].pk, 10**9]  # one key that is nobody
    assert set(Person.objects.filter(pk__any_of=wanted)) == set(Person.objects.filter(pk__in=wanted))
    assert {i.person_id for i in Involvement.objects.filter(person__any_of=wanted)} == {people[0].pk, people[2].pk}
    assert {i.person_id for i in Involvement.objects.filter(person_id__any_of=wanted)} == {people[0].pk, people[2].pk}
    names = ["Anyof1", "Anyof3", "Nobody"]
    assert sorted(p.family_name for p in Person.objects.filter(family_name__any_of=names)) == ["Anyof1", "Anyof3"]


def test_no_values_match_no_rows_and_excluding_them_keeps_every_row() -> None:
    PersonFactory(family_name="Anyofempty")
    assert not Person.objects.filter(pk__any_of=[]).exists()
    assert Person.objects.exclude(pk__any_of=[]).filter(family_name="Anyofempty").exists()


def test_the_list_is_sent_as_one_parameter() -> None:
    ids = list(range(1, 5001))
    with CaptureQueriesContext(connection) as q:
        Person.objects.filter(pk__any_of=ids).count()
    sql = q.captured_queries[-1]["sql"]
    assert sql.count("4999") == 1  # the values travel once, not as 5,000 placeholders
    assert ("= ANY(" in sql) if connection.vendor == "postgresql" else ("json_each" in sql)
