"""A child comes into care, changes placement, has a review and leaves care, in Debian chromium."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safehub.casework.models import LookedAfterEpisode
from safehub.lookedafter import services
from safehub.lookedafter.models import CareEpisode
from safehub.people.models import Involvement
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import PersonFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_into_care_move_review_and_leave(live_server, client, front_door):
    url, now = live_server.url, timezone.now()
    today = timezone.localdate()
    worker = make_user("sam.sw", "SOCIAL_WORKER", front_door)
    child = PersonFactory(given_name="Jordan", family_name="Placed", date_of_birth=date(2012, 9, 14))
    Involvement.objects.create(
        person=child, agency=front_door, kind="CASE_HOLDER", started_at=now - timedelta(days=200)
    )
    LookedAfterEpisode.objects.create(person=child, start_date=today - timedelta(days=150))
    carer = services.provider_register(name="Carers A (council)", kind="FOSTER_CARER", place_provider="PR1",
                                       postcode="SO14 0BE", urn="SC058592", by=worker, now=now)  # fmt: skip
    home = services.provider_register(name="Oak House", kind="CHILDRENS_HOME", place_provider="PR4",
                                      postcode="SO14 0DW", urn="SC412345", by=worker, now=now)  # fmt: skip

    with browser_page(url, session_for(client, worker)) as page:
        page.goto(f"{url}/looked-after/")
        page.click("a:has-text('Jordan Placed')")
        page.wait_for_selector("h1:has-text('Jordan Placed')")
        page.click("summary:has-text('How the child came into care')")
        page.select_option("#id_start-legal_status", "C1")
        page.select_option("#id_start-category_of_need", "N1")
        page.select_option("#id_start-place", "U6")
        page.select_option("#id_start-provider", str(carer.pk))
        page.fill("#id_start-home_postcode", "SO14 0HU")
        page.locator("form[action$='/start/'] button").click()
        page.wait_for_selector("text=The first episode of care is recorded")

        page.click("summary:has-text('Change placement or legal status')")
        page.fill("#id_change-on", (today - timedelta(days=60)).strftime("%d/%m/%Y"))
        page.select_option("#id_change-place", "K2")
        page.select_option("#id_change-provider", str(home.pk))
        page.select_option("#id_change-reason_place_change", "CREQB")
        page.locator("form[action$='/change/'] button").click()
        page.wait_for_selector("text=one episode closed and the next opened")

        page.click("summary:has-text('Record the review that is due')")
        page.fill("#id_review-held_date", (today - timedelta(days=130)).strftime("%d/%m/%Y"))
        page.select_option("#id_review-participation", "PN1")
        page.locator("form[action$='/review/'] button").click()
        page.wait_for_selector("text=The review is recorded")
        assert axe_violations(page) == []
        screenshot(page, "lookedafter-child-in-care")

        page.click("summary:has-text('End care')")
        page.fill("#id_end-on", today.strftime("%d/%m/%Y"))
        page.select_option("#id_end-reason", "E4A")
        page.locator("form[action$='/end/'] button").click()
        page.wait_for_selector("text=Care has ended")
        screenshot(page, "lookedafter-child-left-care")
        assert "Closed when care ended" in page.content()

    assert list(CareEpisode.objects.filter(person=child).order_by("decom").values_list("rne", "place", "rec")) == [
        ("S", "U6", "X1"),
        ("P", "K2", "E4A"),
    ]


def test_a_care_leaver_pathway_plan_and_the_care_leavers_page(live_server, client, front_door):
    from safehub.lookedafter import permanence
    from safehub.lookedafter.models import PathwayPlan

    url, now = live_server.url, timezone.now()
    today = timezone.localdate()
    worker = make_user("pat.pa", "SOCIAL_WORKER", front_door)
    young = PersonFactory(given_name="Alex", family_name="Leaving", date_of_birth=today - timedelta(days=365 * 17 + 40))
    Involvement.objects.create(
        person=young, agency=front_door, kind="CASE_HOLDER", started_at=now - timedelta(days=900)
    )
    carer = services.provider_register(name="Carers A (council)", kind="FOSTER_CARER", place_provider="PR1",
                                       postcode="SO14 0BE", urn="SC058592", by=worker, now=now)  # fmt: skip
    period = LookedAfterEpisode.objects.create(person=young, start_date=today - timedelta(days=700))
    services.care_start(period=period, legal_status="V2", category_of_need="N4", placement=services.Placement("U6", carer),
                        home_postcode="SO14 0HU", by=worker, now=now)  # fmt: skip
    services.care_end(period=period, on=today - timedelta(days=20), reason="E13", by=worker, now=now)
    permanence.care_leaver_update(person=young, personal_adviser=worker, by=worker, now=now)

    with browser_page(url, session_for(client, worker)) as page:
        page.goto(f"{url}/looked-after/care-leavers/")
        page.wait_for_selector("h1:has-text('Care leavers')")
        assert "Relevant" in page.content()
        page.click("a:has-text('Alex Leaving')")
        page.wait_for_selector("h2:has-text('Leaving care')")
        page.click("summary:has-text('Record the pathway plan or review that is due')")
        page.fill("#id_pathway-held_date", today.strftime("%d/%m/%Y"))
        page.locator("form[action$='/pathway/'] button").click()
        page.wait_for_selector("text=The pathway plan is recorded as complete")
        assert axe_violations(page) == []
        screenshot(page, "lookedafter-care-leaver")

    assert PathwayPlan.objects.get(person=young).completed_date == today
