"""A social worker's case in Debian chromium: allocated, visited (child seen alone), CIN plan reviewed, closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.casework import case_services, services
from safehub.casework.models import CaseEpisode, CaseNote
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import InvolvementFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_action(page, label: str) -> None:
    page.click(f"summary:has-text('{label}')")


def test_allocated_worker_visits_reviews_and_closes_the_case(live_server, client, mash_manager, child, front_door):
    url = live_server.url
    now = timezone.now()
    today = timezone.localdate()
    worker = make_user("hannah.sw", "SOCIAL_WORKER", front_door, last_name="Kowalski")
    InvolvementFactory(person=child, agency=front_door, started_at=now - timedelta(days=80))
    episode = case_services.episode_open(
        person=child, referral_date=today - timedelta(days=70), source="2A", by=mash_manager, now=now
    )
    assessment = services.assessment_start(
        person=child, start_date=today - timedelta(days=69), by=mash_manager, now=now
    )
    services.assessment_authorise(assessment=assessment, authorised_date=today - timedelta(days=50), factors=["21"],
                                  outcome="CIN_PLAN", summary="", primary_need="N5", by=mash_manager, now=now)  # fmt: skip
    assert episode.cin_plans.get().start_date == today - timedelta(days=50)  # the outcome opened the plan
    case_services.episode_allocate(episode=episode, team=None, worker=worker, by=mash_manager, now=now,
                                   reason="Allocated by the team manager")  # fmt: skip

    with browser_page(url, session_for(client, worker)) as page:
        page.goto(f"{url}/casework/caseload/")
        page.wait_for_selector(f"a:has-text('{child.display_name}')")
        assert "Visit overdue" in page.content()
        assert axe_violations(page) == []
        screenshot(page, "caseload")
        page.click(f"a:has-text('{child.display_name}')")
        page.wait_for_selector(f"h1:has-text('{child.display_name}')")
        open_action(page, "Record a case note or visit")
        page.select_option("#id_note-kind", "HOME_VISIT")
        page.fill("#id_note-occurred_at", (timezone.localtime() - timedelta(hours=3)).strftime("%d/%m/%Y %H:%M"))
        page.fill("#id_note-present", "Child and mother")
        page.check("#id_note-child_seen")
        page.check("#id_note-child_seen_alone")
        page.fill("#id_note-child_words", "I feel safer now Dad has moved out")
        page.fill("#id_note-text", "Statutory visit. Bedroom seen; school attendance improving.")
        page.locator("form[action$='/case/note/'] button").click()
        page.wait_for_selector("text=I feel safer now Dad has moved out")
        open_action(page, "Record a child-in-need plan review")
        page.fill("#id_cin_plan_review-held_date", today.strftime("%d/%m/%Y"))
        page.locator("form[action$='/case/cin_plan_review/'] button").click()
        page.wait_for_selector("text=reviewed")
        open_action(page, "End the child-in-need plan")
        page.fill("#id_cin_plan_end-end_date", today.strftime("%d/%m/%Y"))
        page.locator("form[action$='/case/cin_plan_end/'] button").click()
        page.wait_for_selector("summary:has-text('Close the case')")
        open_action(page, "Close the case")
        page.fill("#id_close-closure_date", today.strftime("%d/%m/%Y"))
        page.select_option("#id_close-reason", "RC7")
        page.locator("form[action$='/case/close/'] button").click()
        page.wait_for_selector("strong.govuk-tag:has-text('Closed')")
        assert axe_violations(page) == []
        screenshot(page, "case_page_closed")
    episode = CaseEpisode.objects.get(pk=episode.pk)
    assert (episode.stage, episode.closure_reason, episode.closure_date) == ("CLOSED", "RC7", today)
    note = CaseNote.objects.get(episode=episode)
    assert note.child_seen_alone and note.written_by == worker
