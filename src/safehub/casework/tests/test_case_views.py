"""The case page and the caseload through the browser's requests: a worker runs a case to closure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.casework.models import CaseEpisode, CaseNote
from safehub.testing.factories import AgencyFactory, InvolvementFactory, make_user


@pytest.fixture
def social_worker(front_door):
    return make_user("sw", "SOCIAL_WORKER", front_door)


@pytest.fixture
def case_child(front_door, child):
    InvolvementFactory(person=child, agency=front_door, started_at=timezone.now() - timedelta(days=60))
    return child


def post(client, child, action, data):
    return client.post(
        f"/casework/children/{child.pk}/case/{action}/", {f"{action}-{k}": v for k, v in data.items()}, follow=True
    )


@pytest.mark.django_db
def test_worker_opens_allocates_visits_plans_reviews_and_closes(client, case_child, social_worker):
    client.force_login(social_worker)
    today = timezone.localdate()
    start = today - timedelta(days=30)
    page = client.get(f"/casework/children/{case_child.pk}/case/")
    assert page.status_code == 200 and "Open a case with a new referral" in page.content.decode()
    post(client, case_child, "open", {"referral_date": start.strftime("%d/%m/%Y"), "source": "2A"})
    episode = CaseEpisode.objects.get(person=case_child)
    post(client, case_child, "allocate", {"worker": social_worker.pk})
    episode.refresh_from_db()
    assert episode.worker == social_worker
    page = client.get(f"/casework/children/{case_child.pk}/case/").content.decode()
    assert "Start an assessment" in page and "Close the case" in page and "End the child-in-need plan" not in page
    post(client, case_child, "assessment", {"start_date": start.strftime("%d/%m/%Y")})
    post(
        client,
        case_child,
        "authorise",
        {"authorised_date": (start + timedelta(days=7)).strftime("%d/%m/%Y"), "outcome": "CIN_PLAN",
         "primary_need": "N5"},
    )  # fmt: skip
    post(client, case_child, "cin_plan_start", {"start_date": (start + timedelta(days=8)).strftime("%d/%m/%Y"),
                                                "review_interval_months": 3, "visit_interval_working_days": 20})  # fmt: skip
    episode.refresh_from_db()
    assert episode.stage == "CHILD_IN_NEED" and episode.primary_need == "N5"
    visited = timezone.localtime() - timedelta(days=1)
    post(client, case_child, "note", {"kind": "HOME_VISIT", "occurred_at": visited.strftime("%d/%m/%Y %H:%M"),
                                      "present": "Child and mother", "child_seen": "on", "child_seen_alone": "on",
                                      "child_words": "School is better now", "text": "Statutory visit."})  # fmt: skip
    assert CaseNote.objects.get(episode=episode).child_seen_alone
    refused = post(client, case_child, "close", {"closure_date": today.strftime("%d/%m/%Y"), "reason": "RC7"})
    assert "child-in-need plan is open" in refused.content.decode()
    post(client, case_child, "cin_plan_review", {"held_date": (today - timedelta(days=2)).strftime("%d/%m/%Y")})
    post(client, case_child, "cin_plan_end", {"end_date": (today - timedelta(days=1)).strftime("%d/%m/%Y")})
    post(client, case_child, "close", {"closure_date": today.strftime("%d/%m/%Y"), "reason": "RC7"})
    episode.refresh_from_db()
    assert episode.stage == "CLOSED" and episode.closure_reason == "RC7"
    page = client.get(f"/casework/children/{case_child.pk}/case/").content.decode()
    assert "School is better now" in page and "RC7" in page


@pytest.mark.django_db
def test_caseload_pages_render_and_link_only_to_children_the_user_may_open(client, case_child, social_worker):
    from safehub.casework import case_services

    case_services.episode_open(person=case_child, referral_date=timezone.localdate(), source="6", by=social_worker,
                               now=timezone.now())  # fmt: skip
    client.force_login(social_worker)
    for scope in ("mine", "team", "unallocated"):
        assert client.get(f"/casework/caseload/?scope={scope}").status_code == 200
    assert (
        f"/casework/children/{case_child.pk}/case/"
        in client.get("/casework/caseload/?scope=unallocated").content.decode()
    )
    adult_worker = make_user("adult.sw", "SOCIAL_WORKER", AgencyFactory(kind="LA_ADULTS", code="ASC", name="ASC"))
    client.force_login(adult_worker)
    page = client.get("/casework/caseload/?scope=unallocated").content.decode()
    assert f"/casework/children/{case_child.pk}/" not in page
    assert client.post(f"/casework/children/{case_child.pk}/case/note/", {}).status_code in (302, 403, 404)
    police = make_user("police", "POLICE_SAFEGUARDING_OFFICER", AgencyFactory(kind="POLICE", code="P2", name="P2"))
    client.force_login(police)
    assert client.get("/casework/caseload/").status_code == 403


@pytest.mark.django_db
def test_a_caseload_over_a_page_counts_every_case_pages_sorts_filters_and_audits_only_the_page(
    client, front_door, social_worker
):
    from safehub.casework import case_services
    from safehub.core.models import AuditEvent
    from safehub.testing.factories import PersonFactory

    now = timezone.now()
    today = timezone.localdate()
    children = []
    for n in range(55):
        child = PersonFactory(family_name=f"Caseload{n:02d}", given_name="Kit")
        InvolvementFactory(person=child, agency=front_door, started_at=now - timedelta(days=200))
        episode = case_services.episode_open(person=child, referral_date=today - timedelta(days=100 + n), source="6",
                                             by=social_worker, now=now)  # fmt: skip
        case_services.episode_allocate(episode=episode, team=None, worker=social_worker, by=social_worker, now=now)
        children.append(child)
    client.force_login(social_worker)
    before = AuditEvent.objects.filter(actor=social_worker, details__list="casework.caseload.mine").count()
    first = client.get("/casework/caseload/?sort=name")
    assert first.status_code == 200
    assert first.context["total"] == 55 and first.context["listing"].total == 55
    assert [r["person_id"] for r in first.context["rows"]] == [c.pk for c in children[:50]]
    assert first.context["page"].paginator.num_pages == 2
    # every case counted, not the page's: each assessment (opened 100+ days ago) is overdue
    assert first.context["overdue"] == sum(bool(r["overdue"]) for r in first.context["rows"]) + sum(
        bool(r["overdue"]) for r in client.get("/casework/caseload/?sort=name&page=2").context["rows"]
    )
    second = client.get("/casework/caseload/?sort=name&dir=desc&page=2")
    assert [r["person_id"] for r in second.context["rows"]] == [c.pk for c in reversed(children[:5])]
    after = AuditEvent.objects.filter(actor=social_worker, details__list="casework.caseload.mine").count()
    assert after - before == 50 + 5 + 5  # only the rows each page showed
    unseen = client.get("/casework/caseload/?show=unseen")
    assert unseen.context["listing"].total == 55
    case_services.case_note_record(episode=CaseEpisode.objects.get(person=children[0]), kind="HOME_VISIT",
                                   occurred_at=now - timedelta(hours=2), text="Seen.", child_seen=True,
                                   by=social_worker, now=now)  # fmt: skip
    assert client.get("/casework/caseload/?show=unseen").context["listing"].total == 54
    assert client.get("/casework/caseload/?show=nonsense&sort=nonsense&page=99").status_code == 200
