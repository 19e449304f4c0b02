"""core.requestcache: answers shared within one read-only request, never across requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from safehub.core import requestcache
from safehub.core.roles import AgencyKind, Role
from safehub.people import policy
from safehub.people.models import Person
from safehub.testing.factories import AT, AgencyFactory, InvolvementFactory, MembershipFactory, PersonFactory


def _counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_a_read_only_request_shares_from_the_second_ask_and_forgets_at_its_end():
    calls, compute = _counting()
    requestcache.request_opened(environ={"REQUEST_METHOD": "GET"})
    try:
        assert requestcache.reused("k", compute) is None  # the first ask: the caller asks the database
        assert requestcache.reused("k", compute) == 1
        assert requestcache.reused("k", compute) == 1
        assert len(calls) == 1
    finally:
        requestcache.request_closed()
    assert requestcache.reused("k", compute) is None  # outside a request nothing is kept
    assert requestcache.reused("k", compute) is None
    assert len(calls) == 1


def test_a_request_that_changes_things_keeps_nothing():
    calls, compute = _counting()
    requestcache.request_opened(environ={"REQUEST_METHOD": "POST"})
    try:
        assert [requestcache.reused("k", compute) for _ in range(3)] == [None, None, None]
    finally:
        requestcache.request_closed()
    assert calls == []


@pytest.mark.django_db
def test_a_list_sees_an_involvement_written_earlier_in_the_same_request():
    agency = AgencyFactory(kind=AgencyKind.LA_CHILDREN)
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, agency=agency).user
    held, later = PersonFactory(), PersonFactory()
    InvolvementFactory(person=held, agency=agency, started_at=AT - timedelta(days=1))

    def listed():
        return set(policy.persons_visible_to(worker, Person.objects.all(), now=AT).values_list("pk", flat=True))

    # As Django's test client does: the request signals without closing the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.send(sender=None, environ={"REQUEST_METHOD": "GET"})
    try:
        assert listed() == {held.pk}  # subquery
        assert listed() == {held.pk}  # the shared set
        InvolvementFactory(person=later, agency=agency, started_at=AT - timedelta(hours=1))
        assert listed() == {held.pk, later.pk}
        assert listed() == {held.pk, later.pk}
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
