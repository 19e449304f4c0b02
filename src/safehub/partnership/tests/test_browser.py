"""Referral -> rapid review -> CSPR -> publication -> six-month assurance, in headless chromium with axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.partnership.learning import services as learning_services
from safehub.partnership.models import CaseReview, ReviewStage
from safehub.partnership.reviews import services as reviews_services
from safehub.partnership.self_assessment import services as self_assessment_services
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import InvolvementFactory, PersonFactory, TrainingCourseFactory

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
        assert reviews_services.assurance_checks_fall_due(now=timezone.now() + timedelta(days=200)) == 1
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
    from safehub.agencies.models import Membership
    from safehub.demo import agencies as agencies_demo
    from safehub.demo import partnership as demo
    from safehub.demo import people as people_demo
    from safehub.demo.context import DemoContext
    from safehub.partnership.models import MultiAgencyAudit, SelfAssessmentCycle

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
        "partnership_finance": "/partnership/finance/",
    }
    with browser_page(live_server.url, session_for(client, manager)) as page:
        for name, url in pages.items():
            page.goto(live_server.url + url)
            assert page.locator("h1").count() == 1, url
            assert axe_violations(page) == [], url
            screenshot(page, name)


def test_manager_creates_an_audit_with_a_sample_and_a_training_event(live_server, client, manager, police, hospital):
    from safehub.partnership.models import AuditStatus, MultiAgencyAudit, TrainingEvent

    started = timezone.now() - timedelta(days=20)
    for _ in range(6):
        InvolvementFactory(person=PersonFactory(), agency=police, kind="REFERRER", started_at=started)
    learning_services.course_create(
        by=manager, now=timezone.now(), title="Exploitation: spotting the signs", theme="EXPLOITATION"
    )
    next_week = (timezone.localdate() + timedelta(days=7)).strftime("%d/%m/%Y")

    with browser_page(live_server.url, session_for(client, manager)) as page:
        page.goto(f"{live_server.url}/partnership/audits/")
        _click(page, "Plan an audit")
        assert axe_violations(page) == []
        page.click("button:has-text('Plan the audit')")  # nothing typed: the errors show at the fields
        page.wait_for_selector(".govuk-error-summary")
        assert axe_violations(page) == []
        screenshot(page, "partnership_audit_plan_errors")
        page.fill("#id_title", "Getting referrals right")
        page.select_option("#id_tool", "REFERRALS")
        page.select_option("#id_priority", "SEVERE_MULTIPLE_DISADVANTAGE")
        page.fill("#id_planned_date", next_week)
        page.check("label:has-text('Police')")
        page.check("label:has-text('City Hospital')")
        page.click("button:has-text('Plan the audit')")
        page.wait_for_selector("h1:has-text('Getting referrals right')")

        page.click("a.govuk-button:has-text('Draw the case sample')")
        page.wait_for_selector("#id_involvement_kind")
        assert axe_violations(page) == []
        page.select_option("#id_involvement_kind", "REFERRER")
        page.select_option("#id_agency", str(police.pk))
        page.fill("#id_size", "4")
        page.fill("#id_seed", "2025")
        screenshot(page, "partnership_audit_sample_form")
        page.click("button:has-text('Draw the sample')")
        page.wait_for_selector("text=4 cases sampled (draw number 2025)")
        assert "Case 4" in page.inner_text("main")
        assert axe_violations(page) == []
        screenshot(page, "partnership_audit_sampled")
        item = MultiAgencyAudit.objects.get(title="Getting referrals right")
        assert item.status == AuditStatus.SAMPLED and item.cases.count() == 4

        page.goto(f"{live_server.url}/partnership/training/")
        assert axe_violations(page) == []
        _click(page, "Schedule an event")
        assert axe_violations(page) == []
        page.select_option("#id_course", label="Exploitation: spotting the signs (Exploitation)")
        page.fill("#id_starts_on", next_week)
        page.fill("#id_starts_time", "09:30")
        page.fill("#id_venue", "Civic Centre")
        page.fill("#id_capacity", "20")
        screenshot(page, "partnership_event_form")
        page.click("button:has-text('Schedule the event')")
        page.wait_for_selector("h1:has-text('Exploitation: spotting the signs')")
        page.fill("#id_attendee_name", "PC Amy Lee")
        page.select_option("#id_agency", str(police.pk))
        page.fill("#id_job_role", "Constable")
        page.click("button:has-text('Record attendance')")
        page.wait_for_selector("td:has-text('PC Amy Lee')")
        assert axe_violations(page) == []
        screenshot(page, "partnership_event_created")
        event = TrainingEvent.objects.get()
        assert event.capacity == 20 and event.attendances.get().agency == police

        page.goto(f"{live_server.url}/partnership/training/")
        assert "Coming up" in page.inner_text("main")
        screenshot(page, "partnership_training_manager")


def test_manager_create_pages_are_accessible(live_server, client, manager, police, police_officer):
    from datetime import date

    now = timezone.now()
    course = TrainingCourseFactory(title="Neglect toolkit", theme="NEGLECT")
    cycle = self_assessment_services.cycle_open(
        kind="SECTION_11",
        year="2025-26",
        cycle_year=1,
        opens_date=date(2025, 4, 1),
        due_date=date(2025, 6, 30),
        agencies=[police],
        by=manager,
        now=now,
    )
    sa_return = cycle.returns.get()
    ratings = {code: ("MET", "") for code, _ in cycle.standards}
    ratings["S5"] = ("PARTLY_MET", "Training reaches response officers only")
    ratings["S9"] = ("NOT_MET", "No routine recording of the child's views")
    self_assessment_services.self_assessment_submit(sa_return=sa_return, ratings=ratings, by=police_officer, now=now)
    pages = {
        "partnership_course_form": "/partnership/training/courses/new/",
        "partnership_quality_check_form": f"/partnership/training/courses/{course.pk}/quality-check/",
        "partnership_briefing_form": "/partnership/briefings/new/",
        "partnership_cycle_form": "/partnership/self-assessments/new/",
        "partnership_inspection_form": "/partnership/inspections/new/",
        "partnership_contribution_form": "/partnership/finance/new/",
        "partnership_return_recommendation_form": f"/partnership/return/{sa_return.pk}/recommendations/new/",
    }
    with browser_page(live_server.url, session_for(client, manager)) as page:
        for name, url in pages.items():
            page.goto(live_server.url + url)
            assert page.locator("h1").count() == 1, url
            assert axe_violations(page) == [], url
            screenshot(page, name)
        page.goto(f"{live_server.url}/partnership/self-assessments/new/")
        page.fill("#id_year", "2025")
        page.click("button:has-text('Open the self-assessment')")
        page.wait_for_selector(".govuk-error-summary")
        assert axe_violations(page) == []
        screenshot(page, "partnership_cycle_form_errors")
        page.goto(f"{live_server.url}/partnership/return/{sa_return.pk}/recommendations/new/")
        page.fill("#id_text", "Record the child's views in every safeguarding referral")
        page.click("button:has-text('Save')")
        page.wait_for_selector("h2:has-text('Action plan: Police')")
        assert axe_violations(page) == []
        screenshot(page, "partnership_cycle_action_plan")
