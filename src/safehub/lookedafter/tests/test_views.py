"""The looked-after pages: the list, a child's record and its actions, the provider register."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.casework.models import LookedAfterEpisode
from safehub.core.models import AuditEvent
from safehub.lookedafter import services
from safehub.lookedafter.models import CareEpisode, ItemStatus, LAReview
from safehub.testing.factories import (
    InvolvementFactory,
    LAHealthCheckFactory,
    LAReviewFactory,
    LookedAfterEpisodeFactory,
    PersonFactory,
    make_user,
)


@pytest.fixture
def social_worker(front_door):
    return make_user("sw", "SOCIAL_WORKER", front_door)


@pytest.fixture
def in_care(front_door, social_worker):
    now = timezone.now()
    child = PersonFactory(given_name="Robin", family_name="Incare", date_of_birth=date(2014, 3, 2))
    InvolvementFactory(person=child, agency=front_door, started_at=now - timedelta(days=400))
    period = LookedAfterEpisodeFactory(person=child, start_date=now.date() - timedelta(days=200))
    carer = services.provider_register(
        name="Carers A", kind="FOSTER_CARER", place_provider="PR1", postcode="SO14 0BE", urn="SC058592",
        by=social_worker, now=now,
    )  # fmt: skip
    services.provider_register(
        name="Home B", kind="CHILDRENS_HOME", place_provider="PR4", postcode="SO14 0DW", urn="SC412345",
        by=social_worker, now=now,
    )  # fmt: skip
    services.care_start(
        period=period, legal_status="C1", category_of_need="N1", placement=services.Placement("U6", carer),
        home_postcode="SO14 0HU", by=social_worker, now=now,
    )  # fmt: skip
    return child


@pytest.mark.django_db
def test_the_list_shows_children_in_care_and_audits_the_read(client, social_worker, in_care):
    client.force_login(social_worker)
    page = client.get(reverse("lookedafter:list"))
    assert page.status_code == 200
    assert "Robin Incare" in page.content.decode()
    assert AuditEvent.objects.filter(person_id=in_care.pk, details__list="looked-after children").exists()


@pytest.mark.django_db
def test_a_child_comes_into_care_changes_placement_has_a_review_and_leaves(client, social_worker, in_care):
    client.force_login(social_worker)
    url = reverse("lookedafter:child", args=[in_care.pk])
    page = client.get(url)
    assert page.status_code == 200 and "U6: Foster placement" in page.content.decode()
    today = timezone.localdate()
    home = services.PlacementProvider.objects.get(name="Home B")
    r = client.post(
        reverse("lookedafter:child_action", args=[in_care.pk, "change"]),
        {"change-on": (today - timedelta(days=100)).strftime("%d/%m/%Y"), "change-place": "K2",
         "change-provider": str(home.pk), "change-reason_place_change": "CREQB"},
    )  # fmt: skip
    assert r.status_code == 302
    assert list(CareEpisode.objects.filter(person=in_care).order_by("decom").values_list("rne", "place")) == [
        ("S", "U6"),
        ("P", "K2"),
    ]
    r = client.post(
        reverse("lookedafter:child_action", args=[in_care.pk, "review"]),
        {"review-held_date": (today - timedelta(days=190)).strftime("%d/%m/%Y"), "review-participation": "PN1"},
    )
    assert LAReview.objects.filter(person=in_care, status=ItemStatus.DONE).count() == 1
    r = client.post(
        reverse("lookedafter:child_action", args=[in_care.pk, "end"]),
        {"end-on": today.strftime("%d/%m/%Y"), "end-reason": "E4A"},
    )
    assert r.status_code == 302
    assert LookedAfterEpisode.objects.get(person=in_care).end_date == today
    assert not LAReview.objects.filter(person=in_care, status=ItemStatus.DUE).exists()
    page = client.get(url)
    assert "E4A: Returned home" in page.content.decode()


@pytest.mark.django_db
def test_a_bad_change_says_why_in_one_line(client, social_worker, in_care):
    client.force_login(social_worker)
    r = client.post(
        reverse("lookedafter:child_action", args=[in_care.pk, "change"]),
        {"change-on": timezone.localdate().strftime("%d/%m/%Y")},
        follow=True,
    )
    assert "needs a change of placement or legal status" in r.content.decode()
    assert CareEpisode.objects.filter(person=in_care).count() == 1


@pytest.mark.django_db
def test_roles_without_casework_are_refused_and_viewers_get_no_forms(client, police, front_door, in_care):
    officer = make_user("officer", "POLICE_SAFEGUARDING_OFFICER", police)
    client.force_login(officer)
    assert client.get(reverse("lookedafter:list")).status_code == 403
    assert client.get(reverse("lookedafter:child", args=[in_care.pk])).status_code == 403
    assert client.post(reverse("lookedafter:child_action", args=[in_care.pk, "end"]), {}).status_code == 403
    manager = make_user("pm", "PARTNERSHIP_MANAGER", front_door)
    client.force_login(manager)
    page = client.get(reverse("lookedafter:providers"))
    assert page.status_code == 200 and "SC412345" in page.content.decode()
    assert client.post(reverse("lookedafter:child_action", args=[in_care.pk, "end"]), {}).status_code == 403


@pytest.mark.django_db
def test_the_list_is_paged_sorted_and_filtered_with_the_overdue_count_over_everyone(client, social_worker, front_door):
    """Fifty-five children in care: the count, the overdue figure and the filter cover them all, not the page."""
    now = timezone.now()
    today = now.date()
    children = []
    for i in range(55):
        child = PersonFactory(
            given_name=f"Kid{i:02d}", family_name="Listed", date_of_birth=date(2010, 1, 1) + timedelta(days=i)
        )
        InvolvementFactory(person=child, agency=front_door, started_at=now - timedelta(days=400))
        period = LookedAfterEpisodeFactory(person=child, start_date=today - timedelta(days=100))
        children.append((child, period))
    for _child, period in children[50:53]:  # on the second page by name: a review a day late
        LAReviewFactory(period=period, due_date=today - timedelta(days=1))
    LAHealthCheckFactory(period=children[0][1], due_date=today)  # due today: not overdue
    LAHealthCheckFactory(period=children[1][1], due_date=today - timedelta(days=3))  # overdue
    client.force_login(social_worker)
    first = client.get(reverse("lookedafter:list")).content.decode()
    assert "<strong>55</strong> children looked after today; 4 with a review or health check overdue" in first
    assert "Kid00 Listed" in first and "Kid50 Listed" not in first and "Page 1 of 2" in first
    overdue = client.get(reverse("lookedafter:list"), {"show": "overdue"}).content.decode()
    assert "<strong>4</strong> children with a review or health check overdue" in overdue
    assert all(f"Kid{i:02d} Listed" in overdue for i in (1, 50, 51, 52)) and "Kid00 Listed" not in overdue
    youngest_first = client.get(reverse("lookedafter:list"), {"sort": "dob", "dir": "desc"}).content.decode()
    assert youngest_first.index("Kid54 Listed") < youngest_first.index("Kid53 Listed")
    audited = AuditEvent.objects.filter(actor=social_worker, details__list="looked-after children")
    assert {c.pk for c, _ in children[:50]} <= set(audited.values_list("person_id", flat=True))


@pytest.mark.django_db
def test_the_provider_register_is_searched_filtered_sorted_and_paged(client, social_worker, in_care):
    client.force_login(social_worker)
    url = reverse("lookedafter:providers")
    page = client.get(url).content.decode()
    assert "<strong>2</strong> on the register" in page and "Carers A" in page and "Home B" in page
    found = client.get(url, {"q": "home"}).content.decode()
    assert "<strong>1</strong> on the register that match" in found and "Carers A" not in found
    assert "SC412345" in client.get(url, {"q": "sc412345"}).content.decode()
    homes = client.get(url, {"kind": "CHILDRENS_HOME"}).content.decode()
    assert "Home B" in homes and "Carers A" not in homes
    busiest = client.get(url, {"sort": "placed", "dir": "desc"}).content.decode()
    assert busiest.index("Carers A") < busiest.index("Home B")  # the child is placed with Carers A
    assert client.get(url, {"kind": "NOT_A_KIND", "page": "999"}).status_code == 200
