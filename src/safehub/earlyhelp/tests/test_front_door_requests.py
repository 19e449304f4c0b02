"""The early help team's incoming work (``front_door_requests``): which front-door decisions wait."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from safehub.earlyhelp import selectors
from safehub.earlyhelp.models import ClosureReason
from safehub.frontdoor import services as frontdoor
from safehub.testing.factories import ContactFactory, EarlyHelpEpisodeFactory, InvolvementFactory, PersonFactory

from .conftest import NOW

CLOSED = ClosureReason.values[0]

pytestmark = pytest.mark.django_db


def _early_help_decision(person, by, *, days_ago: int = 2):
    """A contact about ``person`` decided 'early help' and signed off by the front door (``by``)."""
    contact = ContactFactory(person=person)
    at = NOW - timedelta(days=days_ago)
    decision = frontdoor.decision_record(
        contact=contact, outcome="EARLY_HELP", rationale="Needs early help", by=by, now=at
    )
    frontdoor.decision_sign_off(decision=decision, by=by, now=at)
    return contact


def test_waiting_decisions_leave_out_children_with_early_help_open_started_contacts_and_unseen_children(
    front_door, eh_worker, mash_manager
):
    waiting, has_open, started_child, unseen, closed_before = (PersonFactory(family_name=f"Queue{i}") for i in range(5))
    for child in (waiting, has_open, started_child, closed_before):
        InvolvementFactory(person=child, agency=front_door)
    _early_help_decision(waiting, mash_manager)
    _early_help_decision(has_open, mash_manager)
    EarlyHelpEpisodeFactory(person=has_open, opened_by=eh_worker)  # open: the child already has early help
    started = _early_help_decision(started_child, mash_manager)
    EarlyHelpEpisodeFactory(
        person=started_child, contact=started, opened_by=eh_worker, closed_date=NOW.date(), closure_reason=CLOSED
    )
    _early_help_decision(unseen, mash_manager)  # no involvement: the worker may not open this child
    _early_help_decision(closed_before, mash_manager)
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
