"""The 16-25 transitions list: paged, sortable and filterable, and only the page shown is read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from safehub.core.models import AuditEvent
from safehub.testing.factories import InvolvementFactory, PersonFactory, TransitionPlanFactory, make_user

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def worker(front_door):
    return make_user("transition.sw", "SOCIAL_WORKER", front_door)


@pytest.fixture
def young_people(front_door, worker):
    people = [
        PersonFactory(given_name=f"Young{i:02d}", date_of_birth=date(2007, 1, 1) + timedelta(days=i)) for i in range(55)
    ]
    for p in people:
        InvolvementFactory(person=p, agency=front_door, started_at=NOW)
    TransitionPlanFactory(person=people[0], owner=worker, started_date=date(2025, 1, 6), review_date=date(2025, 7, 7))
    return people


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_list_is_paged_with_a_total_and_only_the_page_shown_is_audited(client, worker, young_people):
    client.force_login(worker)
    first = client.get("/casework/transitions/")
    second = client.get("/casework/transitions/?page=2")

    assert first.status_code == 200 and second.status_code == 200
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 5
    assert first.context["listing"].total == 55
    assert first.context["rows"][0]["person"] == young_people[0]  # oldest first
    shown = {r["person_id"] for r in first.context["rows"]} | {r["person_id"] for r in second.context["rows"]}
    assert shown == {p.pk for p in young_people}
    audited = AuditEvent.objects.filter(actor=worker, details__list="casework.transitions")
    assert audited.count() == 55


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_filter_and_sort(client, worker, young_people):
    client.force_login(worker)
    no_plan = client.get("/casework/transitions/?show=no_plan")
    youngest_first = client.get("/casework/transitions/?sort=age&dir=asc")
    nonsense = client.get("/casework/transitions/?show=everything&sort=shoe-size&page=99")

    assert no_plan.context["listing"].total == 54
    assert young_people[0].pk not in {r["person_id"] for r in no_plan.context["rows"]}
    assert youngest_first.context["rows"][0]["person"] == young_people[-1]
    assert nonsense.status_code == 200 and nonsense.context["show"] == "all"
    assert b"The adult side" in no_plan.content
