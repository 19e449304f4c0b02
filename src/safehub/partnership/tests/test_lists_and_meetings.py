"""The partnership's lists are paged, sortable and filterable with a total; sub-group meetings feed the
yearly report's sub-group section."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.partnership import yearly
from safehub.partnership.escalations import services as escalations_services
from safehub.partnership.meetings import services as meetings_services
from safehub.partnership.models import MeetingAction, SubGroup
from safehub.testing.factories import AgencyFactory

NOW = datetime(2025, 11, 3, 10, tzinfo=UTC)


def _escalations(officer, others, n: int) -> None:
    for i in range(n):
        escalations_services.escalation_raise(raised_with_agency=others[i % len(others)], raised_by_name=f"Officer {i:02d}",
                                              concern=f"Concern number {i:02d}", by=officer, now=NOW - timedelta(days=i))  # fmt: skip


def test_escalations_are_paged_sorted_and_filtered_with_a_total(client, manager, police_officer):
    others = [
        AgencyFactory(kind="HEALTH_TRUST", name="Hospital trust"),
        AgencyFactory(kind="SCHOOL", name="Oak School"),
    ]
    _escalations(police_officer, others, 55)
    client.force_login(manager)

    first = client.get("/partnership/escalations/")
    assert first.context["listing"].total == 55 and len(first.context["listing"].rows) == 50
    assert "55</strong> escalations" in first.content.decode()
    assert first.context["listing"].rows[0]["concern"] == "Concern number 00"  # newest first by default

    oldest = client.get("/partnership/escalations/", {"sort": "raised", "dir": "asc"})
    assert oldest.context["listing"].rows[0]["concern"] == "Concern number 54"
    second = client.get("/partnership/escalations/", {"page": 2})
    assert len(second.context["listing"].rows) == 5

    school = client.get("/partnership/escalations/", {"q": "oak school"})
    assert school.context["listing"].total == 27
    assert all("Oak School" in r["raised_with"] for r in school.context["listing"].rows)
    assert client.get("/partnership/escalations/", {"sort": "nonsense", "page": "x"}).status_code == 200


@pytest.mark.parametrize("url", ["/partnership/reviews/", "/partnership/actions/", "/partnership/audits/",
                                 "/partnership/training/", "/partnership/self-assessments/",
                                 "/partnership/escalations/", "/partnership/meetings/"])  # fmt: skip
def test_every_list_shows_its_total_and_sortable_headers(client, manager, url):
    client.force_login(manager)
    response = client.get(url, {"sort": "x", "dir": "desc", "q": "nothing matches this"})
    assert response.status_code == 200
    listing = response.context["listing"]
    assert listing.total == 0 and listing.headers
    assert 'aria-sort="' in response.content.decode()


def test_a_meeting_records_attendance_decisions_and_actions_and_feeds_the_report(manager, police_officer, police):
    health = AgencyFactory(kind="HEALTH_TRUST", name="Hospital trust")
    council = AgencyFactory(kind="LA_CHILDREN", name="City council")
    held = datetime(2025, 6, 10, 10, tzinfo=UTC)
    meeting = meetings_services.meeting_record(group=SubGroup.PRACTICE_REVIEW, held_at=held, chair_name="Chair",
                                               summary="Standing items", decisions="Commission a SAR\n\nPublish the briefing",
                                               present=[police, health], apologies=[council], by=manager, now=NOW)  # fmt: skip
    meetings_services.meeting_action_add(meeting=meeting, description="Share the briefing", agency=police,
                                         owner_name="DI Smith", due_date=date(2025, 7, 1), by=manager, now=NOW)  # fmt: skip
    late = meetings_services.meeting_action_add(meeting=meeting, description="Audit follow-up", agency=health,
                                                owner_name="Named nurse", due_date=date(2025, 8, 1), by=manager, now=NOW)  # fmt: skip
    own = MeetingAction.objects.get(agency=police)
    meetings_services.meeting_action_complete(action=own, by=police_officer, now=NOW)  # the agency that holds it
    with pytest.raises(PermissionDenied):  # not another agency's action
        meetings_services.meeting_action_complete(action=late, by=police_officer, now=NOW)
    with pytest.raises(ValidationError):
        meetings_services.meeting_record(group=SubGroup.EDUCATION, held_at=NOW + timedelta(days=1), chair_name="",
                                         summary="", decisions="", present=[police], by=manager, now=NOW)  # fmt: skip
    with pytest.raises(PermissionDenied):
        meetings_services.meeting_record(group=SubGroup.EDUCATION, held_at=held, chair_name="", summary="", decisions="",
                                         present=[police], by=police_officer, now=NOW)  # fmt: skip

    groups = {g["name"]: dict(g["items"]) for g in yearly.subgroups(year="2025-26", as_of=NOW.date())}
    review_group = groups["Practice review group"]
    assert review_group["Meetings held"] == 1
    assert review_group["% of member agencies present"] == 66.7
    assert review_group["Decisions recorded"] == 2
    assert review_group["Meeting actions agreed"] == 2 and review_group["Meeting actions completed"] == 1
    assert groups["Education sub-group"]["Meetings held"] == 0
    assert yearly.meeting_decisions(year="2025-26") == {"Practice review group": ["Commission a SAR",
                                                                                  "Publish the briefing"]}  # fmt: skip


def test_meeting_pages_answer_each_role_and_offer_only_what_they_may_do(client, manager, police_officer, police):
    meeting = meetings_services.meeting_record(group=SubGroup.LEARNING, held_at=NOW - timedelta(days=3), chair_name="",
                                               summary="", decisions="Run a practice week", present=[police], by=manager,
                                               now=NOW)  # fmt: skip
    client.force_login(police_officer)
    listing = client.get("/partnership/meetings/").content.decode()
    assert f"/partnership/meetings/{meeting.pk}/" in listing and "/partnership/meetings/new/" not in listing
    detail = client.get(f"/partnership/meetings/{meeting.pk}/").content.decode()
    assert "Run a practice week" in detail and "/actions/new/" not in detail
    assert client.get("/partnership/meetings/new/").status_code == 403
    assert client.get("/partnership/meetings/999999/").status_code == 404
    client.force_login(manager)
    assert client.get("/partnership/meetings/new/").status_code == 200
    assert "/actions/new/" in client.get(f"/partnership/meetings/{meeting.pk}/").content.decode()
