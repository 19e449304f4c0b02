"""The police timeliness page counts in the database (``police_timeliness_summary``) and pages its
rows there (``police_timeliness_rows``): its figures must be the ones the full read of every contact
gives (``police_timeliness``, which the CSV download uses), across weeks, the end of summer time,
flags, and red PPNs decided on time, late or not at all."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from safehub.core.calendar import UK
from safehub.frontdoor import selectors, services
from safehub.frontdoor.models import Contact
from safehub.frontdoor.services import ChildEntry
from safehub.testing.factories import LateFlagFactory

pytestmark = pytest.mark.django_db

# Summer time ends at 02:00 on Sunday 26 October 2025: the week of Monday 20 October holds both.
FIRST = datetime(2025, 10, 6, 0, 30, tzinfo=UK)
NOW = datetime(2025, 11, 3, 10, 0, tzinfo=UK)


def _contact(by, rng: random.Random, n: int, received: datetime | None = None) -> Contact:
    received = received or FIRST + timedelta(minutes=rng.randrange(0, 27 * 24 * 60))
    [contact] = services.contact_record(
        by=by,
        now=received + timedelta(minutes=1),
        children=[ChildEntry(family_name=f"Child{n}", given_name="Sam", child_voice="Hid upstairs")],
        source="6",
        received_at=received,
        incident_recorded_at=received - timedelta(hours=rng.choice([1, 5, 23.5, 24, 30, 72])),
        summary="Domestic incident",
        consent="NOT_SOUGHT",
        lawful_basis="SAFEGUARDING",
        police_reference=f"4400{n:04d}",
        police_grade=rng.choice(["RED", "AMBER", "GREEN", "BLUE"]),
        police_grade_rationale="Weapon used",
        high_risk=rng.random() < 0.2,
    )
    return contact


def test_the_summary_and_the_paged_rows_agree_with_the_full_read(police_officer, mash_worker, mash_manager):
    rng = random.Random(20251026)
    contacts = [_contact(police_officer, rng, n) for n in range(69)]
    # 00:30 on Monday 20 October in London is still Sunday in UTC: the week is the UK one
    contacts.append(_contact(police_officer, rng, 69, received=datetime(2025, 10, 20, 0, 30, tzinfo=UK)))
    for c in rng.sample(contacts, 12):
        LateFlagFactory(contact=c)
    for c in rng.sample(contacts, 25):
        services.contact_rate(contact=c, rating=rng.choice(["RED", "AMBER", "GREEN"]), rationale="Reviewed",
                              by=mash_worker, now=c.received_at + timedelta(minutes=30))  # fmt: skip
    for c in rng.sample(contacts, 30):
        c.refresh_from_db()
        services.decision_record(contact=c, outcome="OTHER_AGENCY", rationale="Police protection", by=mash_worker,
                                 now=c.received_at + timedelta(hours=rng.choice([1, 20, 30])))  # fmt: skip
    start, end = date(2025, 10, 6), date(2025, 11, 2)

    full = selectors.police_timeliness(user=police_officer, start=start, end=end, now=NOW)
    summary = selectors.police_timeliness_summary(user=police_officer, start=start, end=end, now=NOW)

    assert {k: v for k, v in full.items() if k != "rows"} == summary
    assert summary["red_ppn_total"] and summary["high_risk_total"] and summary["flagged_total"] == 12
    assert 0 < summary["within_pct"] < 100 and summary["red_same_day_pct"] is not None
    assert len(summary["trend"]) == 4 and sum(w["all"] for w in summary["trend"]) == 70
    monday = next(w for w in summary["trend"] if w["week"] == date(2025, 10, 20))
    assert monday["all"] == sum(1 for c in contacts if date(2025, 10, 20) <= c.received_at.astimezone(UK).date()
                                < date(2025, 10, 27))  # fmt: skip
    pages = [selectors.police_timeliness_rows(user=police_officer, start=start, end=end, now=NOW, page=str(p))
             for p in (1, 2)]  # fmt: skip
    assert pages[0].paginator.count == 70
    assert [r for p in pages for r in p.object_list] == full["rows"]


def test_the_summary_of_a_period_without_police_contacts_is_empty(police_officer):
    summary = selectors.police_timeliness_summary(
        user=police_officer, start=date(2025, 1, 1), end=date(2025, 1, 31), now=NOW
    )
    assert summary["trend"] == [] and summary["high_risk_total"] == 0 and summary["within_pct"] is None
