"""The partnership's view of Operation Encompass notifications: counts cover every notification, lists the oldest."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safehub.frontdoor import selectors
from safehub.testing.factories import AgencyFactory, EducationNotificationFactory

pytestmark = pytest.mark.django_db


def test_counts_cover_every_notification_and_the_lists_show_fifty(police_officer):
    school = AgencyFactory(kind="SCHOOL", code="SCH1", name="Hilltop Primary")
    made = [EducationNotificationFactory(setting=school) for _ in range(55)]  # all due in 2025, none acknowledged
    overview = selectors.notifications_overview(user=police_officer, now=timezone.now())
    assert overview["unacknowledged_total"] == 55 and len(overview["unacknowledged"]) == 50
    assert overview["late_total"] == 55 and len(overview["late"]) == 50  # none delivered
    due = [n["due_at"] for n in overview["unacknowledged"]]
    assert due == sorted(due) and due[0] == min(n.due_at for n in made)
    assert overview["by_kind"]["SCHOOL"]["total"] == 55
