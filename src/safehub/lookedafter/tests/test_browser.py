"""A child comes into care, changes placement, has a review and leaves care, in Debian chromium."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safehub.lookedafter import services
from safehub.lookedafter.models import CareEpisode
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import InvolvementFactory, LookedAfterEpisodeFactory, PersonFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_into_care_move_review_and_leave(live_server, client, front_door):
    url, now = live_server.url, timezone.now()
    today = timezone.localdate()
    worker = make_user("sam.sw", "SOCIAL_WORKER", front_door)
    child = PersonFactory(given_name="Jordan", family_name="Placed", date_of_birth=date(2012, 9, 14))
    InvolvementFactory(person=child, agency=front_door, started_at=now - timedelta(days=200))
    LookedAfterEpisodeFactory(person=child, start_date=today - timedelta(days=150))
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
    InvolvementFactory(person=young, agency=front_door, started_at=now - timedelta(days=900))
    carer = services.provider_register(name="Carers A (council)", kind="FOSTER_CARER", place_provider="PR1",
                                       postcode="SO14 0BE", urn="SC058592", by=worker, now=now)  # fmt: skip
    period = LookedAfterEpisodeFactory(person=young, start_date=today - timedelta(days=700))
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


def test_adoption_from_decision_to_order_on_the_childs_page(live_server, client, front_door):
    from safehub.lookedafter import permanence

    url, now = live_server.url, timezone.now()
    today = timezone.localdate()
    worker = make_user("ali.sw", "SOCIAL_WORKER", front_door)
    baby = PersonFactory(given_name="Robin", family_name="Adopted", date_of_birth=today - timedelta(days=560))
    InvolvementFactory(person=baby, agency=front_door, started_at=now - timedelta(days=500))
    carer = services.provider_register(name="Carers A (council)", kind="FOSTER_CARER", place_provider="PR1",
                                       postcode="SO14 0BE", urn="SC058592", by=worker, now=now)  # fmt: skip
    adopters = services.provider_register(name="Adopters 1 (regional adoption agency)", kind="OTHER",
                                          place_provider="PR1", postcode="SO16 6YE", urn="SC476330",
                                          by=worker, now=now)  # fmt: skip
    family = permanence.adopters_register(
        reference="ADF7", adopters=[{"sex": "F"}, {"sex": "F"}], sex_code="FF", legal_status="L12",
        enquiry_date=today - timedelta(days=700), approved_date=today - timedelta(days=400), by=worker, now=now,
    )  # fmt: skip
    period = LookedAfterEpisodeFactory(person=baby, start_date=today - timedelta(days=420))
    services.care_start(period=period, legal_status="C1", category_of_need="N1", placement=services.Placement("U6", carer),
                        home_postcode="SO14 0HU", by=worker, now=now)  # fmt: skip
    services.care_change(period=period, on=today - timedelta(days=300), legal_status="C2", by=worker, now=now)

    def step(page, action: str, title: str, fill: dict, done: str) -> None:
        page.click(f"summary:has-text('{title}')")
        for selector, value in fill.items():
            if selector.endswith(("-family", "-provider")):
                page.select_option(selector, value)
            else:
                page.fill(selector, value)
        page.locator(f"form[action$='/{action}/'] button").click()
        page.wait_for_selector(f"text={done}")

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).strftime("%d/%m/%Y")

    with browser_page(url, session_for(client, worker)) as page:
        page.goto(f"{url}/looked-after/children/{baby.pk}/")
        page.wait_for_selector("h1:has-text('Robin Adopted')")
        step(
            page,
            "decision",
            "Record the decision that the child should be placed for adoption",
            {"#id_decision-on": day(280)},
            "The decision that the child should be placed for adoption is recorded",
        )
        step(
            page,
            "placement_order",
            "Record the placement order",
            {"#id_placement_order-on": day(200)},
            "The placement order is recorded",
        )
        step(
            page,
            "match",
            "Record the match with adopters",
            {"#id_match-on": day(150), "#id_match-family": str(family.pk)},
            "The match with adopters is recorded",
        )
        step(
            page,
            "place",
            "Record that the child was placed for adoption",
            {"#id_place-on": day(130), "#id_place-provider": str(adopters.pk)},
            "The placement for adoption is recorded",
        )
        summary = page.locator("h2:has-text('Adoption') + dl").inner_text()
        assert day(280) in summary and day(200) in summary and f"{day(150)} (ADF7)" in summary and day(130) in summary
        assert axe_violations(page) == []
        screenshot(page, "lookedafter-child-placed-for-adoption")
        step(
            page,
            "adoption_order",
            "Record the adoption order",
            {"#id_adoption_order-on": day(10)},
            "The adoption order is recorded and care has ended",
        )
        screenshot(page, "lookedafter-child-adopted")
        assert "Record the adoption order" not in page.content()  # nothing left to offer for a plan now closed

    assert list(CareEpisode.objects.filter(person=baby).order_by("decom").values_list("rne", "ls", "place")) == [
        ("S", "C1", "U6"), ("L", "C2", "U6"), ("L", "E1", "U6"), ("P", "E1", "A6"),
    ]  # fmt: skip
    assert CareEpisode.objects.filter(person=baby).order_by("-decom").values_list("dec", "rec")[0] in (
        (today - timedelta(days=10), "E11"), (today - timedelta(days=10), "E12"),
    )  # fmt: skip
