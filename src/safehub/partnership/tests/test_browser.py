"""Referral -> rapid review -> CSPR -> publication -> six-month assurance, in headless chromium with axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.partnership import services
from safehub.partnership.models import CaseReview, ReviewStage
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(page, text):
    page.click(f"text={text}")
    page.wait_for_load_state()


def test_review_from_referral_to_assurance(live_server, client, manager, police, police_officer):
    today = timezone.localdate().strftime("%d/%m/%Y")
    with browser_page(live_server.url, session_for(client, manager)) as page:
        page.goto(f"{live_server.url}/partnership/reviews/refer/")
        assert axe_violations(page) == []
        page.fill("#id_title", "Lily")
        page.select_option("#id_subject", "CHILD")
        page.fill("#id_summary", "A baby born in traumatic circumstances; parental substance use and neglect.")
        page.fill("#id_learned_on", today)
        page.check("#id_notifiable")
        page.select_option("#id_themes", ["NEGLECT", "SUBSTANCE_USE"])
        page.click("button:has-text('Send referral')")
        page.wait_for_selector("h1:has-text('Lily')")
        assert "Due by" in page.inner_text("main")  # the 5-working-day notification clock is running
        assert axe_violations(page) == []

        _click(page, "Record the decision")
        assert axe_violations(page) == []
        page.select_option("#id_decision", "RAPID_REVIEW")
        page.fill("#id_decision_rationale", "Serious harm to a baby; neglect known to agencies.")
        page.click("button:has-text('Save')")
        page.wait_for_selector("strong.govuk-tag:has-text('Rapid review')")

        _click(page, "Record the national panel notification")
        page.fill("#id_notified_on", today)
        page.click("button:has-text('Save')")
        page.wait_for_selector("text=Record the rapid review outcome")

        _click(page, "Record the rapid review outcome")
        page.select_option("#id_decision", "CSPR")
        page.fill("#id_decision_rationale", "Learning of national importance about unborn babies.")
        page.click("button:has-text('Save')")
        page.wait_for_selector("text=Commission the review")

        _click(page, "Commission the review")
        page.fill("#id_reviewer", "Jane Reviewer, independent")
        page.click("button:has-text('Save')")
        for button in ("Mark as in progress", "Draft report received", "Approve the report"):
            page.click(f"button:has-text('{button}')")
            page.wait_for_load_state()
        page.wait_for_selector("strong.govuk-tag:has-text('Approved')")

        _click(page, "Publish the review")
        page.fill("#id_publication_url", "https://example.org/reviews/lily")
        page.click("button:has-text('Publish')")
        page.wait_for_selector("strong.govuk-tag:has-text('Published')")
        review = CaseReview.objects.get(title="Lily")
        due = review.assurance_check.due_date
        assert f"Due by {due:%d/%m/%Y}" in page.inner_text("main")
        assert axe_violations(page) == []
        screenshot(page, "partnership_review_published")

        # Six months on, the daily sweep (cron or the deferred task) makes the assurance check due.
        assert services.assurance_checks_fall_due(now=timezone.now() + timedelta(days=200)) == 1
        page.reload()
        _click(page, "Record the assurance check")
        page.select_option("#id_learning_embedded", "yes")
        page.fill("#id_outcome", "Audit of 10 cases: the unborn baby protocol is used by midwifery and pharmacies.")
        page.click("button:has-text('Save')")
        page.wait_for_selector("strong.govuk-tag:has-text('Closed')")
        assert axe_violations(page) == []
        screenshot(page, "partnership_review_closed")
        review.refresh_from_db()
        assert review.stage == ReviewStage.CLOSED
        assert review.decision == "CSPR"

        page.goto(f"{live_server.url}/partnership/")
        assert "Partnership assurance" in page.inner_text("h1")
        assert axe_violations(page) == []
        screenshot(page, "partnership_dashboard")


def test_demo_pages_are_accessible(live_server, client):
    from safehub.agencies import demo as agencies_demo
    from safehub.agencies.models import Membership
    from safehub.core.demo import DemoContext
    from safehub.partnership import demo
    from safehub.partnership.models import MultiAgencyAudit, SelfAssessmentCycle
    from safehub.people import demo as people_demo

    ctx = DemoContext(scale=0.002, seed=20251, years=2, now=timezone.now())
    agencies_demo.seed(ctx)
    people_demo.seed(ctx)
    demo.seed(ctx)
    manager = Membership.objects.get(user__username="demo.partnership").user
    published = CaseReview.objects.filter(published_at__isnull=False).order_by("-published_at").first()
    pages = {
        "partnership_dashboard_demo": "/partnership/",
        "partnership_reviews": "/partnership/reviews/",
        "partnership_review_demo": f"/partnership/reviews/{published.pk}/",
        "partnership_actions": "/partnership/actions/?overdue=1",
        "partnership_inspections": "/partnership/inspections/",
        "partnership_audit": f"/partnership/audits/{MultiAgencyAudit.objects.filter(status='COMPLETE').first().pk}/",
        "partnership_training": "/partnership/training/",
        "partnership_briefings": "/partnership/briefings/",
        "partnership_s11": f"/partnership/self-assessments/{SelfAssessmentCycle.objects.filter(kind='SECTION_11').first().pk}/",
        "partnership_escalations": "/partnership/escalations/",
    }
    with browser_page(live_server.url, session_for(client, manager)) as page:
        for name, url in pages.items():
            page.goto(live_server.url + url)
            assert page.locator("h1").count() == 1, url
            assert axe_violations(page) == [], url
            screenshot(page, name)
