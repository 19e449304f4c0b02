"""The early help team's incoming work (``front_door_requests``): which front-door decisions wait."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from safehub.earlyhelp import selectors
from safehub.earlyhelp.models import ClosureReason
from safehub.frontdoor.models import Decision
from safehub.testing.factories import ContactFactory, EarlyHelpEpisodeFactory, InvolvementFactory, PersonFactory

from .conftest import NOW

CLOSED = ClosureReason.values[0]

pytestmark = pytest.mark.django_db


def _early_help_decision(person, by, *, days_ago: int = 2):
    contact = ContactFactory(person=person)
    at = NOW - timedelta(days=days_ago)
    Decision.objects.create(
        contact=contact, outcome="EARLY_HELP", rationale="Needs early help", decided_by=by, decided_at=at,
        signed_off_by=by, signed_off_at=at,
    )  # fmt: skip
    return contact


def test_waiting_decisions_leave_out_children_with_early_help_open_started_contacts_and_unseen_children(
    front_door, eh_worker
):
    waiting, has_open, started_child, unseen, closed_before = (PersonFactory(family_name=f"Queue{i}") for i in range(5))
    for child in (waiting, has_open, started_child, closed_before):
        InvolvementFactory(person=child, agency=front_door)
    _early_help_decision(waiting, eh_worker)
    _early_help_decision(has_open, eh_worker)
    EarlyHelpEpisodeFactory(person=has_open, opened_by=eh_worker)  # open: the child already has early help
    started = _early_help_decision(started_child, eh_worker)
    EarlyHelpEpisodeFactory(
        person=started_child, contact=started, opened_by=eh_worker, closed_date=NOW.date(), closure_reason=CLOSED
    )
    _early_help_decision(unseen, eh_worker)  # no involvement: the worker may not open this child
    _early_help_decision(closed_before, eh_worker)
    EarlyHelpEpisodeFactory(
        person=closed_before,
        opened_by=eh_worker,
        assessment_start_date=date(2025, 1, 2),
        closed_date=NOW.date() - timedelta(days=30),
        closure_reason=CLOSED,
    )
    out = selectors.front_door_requests(user=eh_worker, now=NOW)
    assert sorted(row["name"] for row in out["requests"]) == sorted([waiting.display_name, closed_before.display_name])
    assert out["requests_total"] == 2
