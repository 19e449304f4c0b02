"""Pages render for the people who should see them and refuse the rest; forms reach the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.partnership.actions import services as actions_services
from safehub.partnership.audits import services as audits_services
from safehub.partnership.escalations import services as escalations_services
from safehub.partnership.learning import services as learning_services
from safehub.partnership.models import Action, CaseReview, ReviewStage
from safehub.partnership.reviews import services as reviews_services
from safehub.partnership.self_assessment import services as self_assessment_services
from safehub.testing.factories import InvolvementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(manager, police, police_officer, now):
    review = reviews_services.review_refer(
        by=police_officer,
        now=now,
        title="Lily",
        subject="CHILD",
        summary="Neglect",
        learned_at=now,
        notifiable=True,
        themes=["NEGLECT", "TRANSITIONS"],
    )
    rec = actions_services.recommendation_add(by=manager, now=now, review=review, text="Share strategy records")
    action = actions_services.action_add(
        recommendation=rec,
        description="Send written records",
        agency=police,
        owner_name="DI Ray",
        due_date=date(2025, 5, 1),
        by=manager,
        now=now,
    )
    item = audits_services.audit_plan(
        title="CERAF deep dive", tool="CERAF", planned_date=date(2025, 1, 1), by=manager, now=now
    )
    course = learning_services.course_create(by=manager, now=now, title="Neglect toolkit", theme="NEGLECT")
    event = learning_services.event_schedule(course=course, starts_at=timezone.now(), by=manager, now=now)
    briefing = learning_services.briefing_publish(
        title="Private fostering", theme="VOICE", body="Seven things", by=manager, now=now
    )
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
    esc = escalations_services.escalation_raise(
        raised_with_agency=manager.membership.agency, raised_by_name="DC", concern="x", by=police_officer, now=now
    )
    return {
        "review": review,
        "action": action,
        "audit": item,
        "event": event,
        "briefing": briefing,
        "cycle": cycle,
        "esc": esc,
    }


def test_every_page_renders_for_the_manager(client, manager, seeded):
    client.force_login(manager)
    urls = [
        reverse("partnership:home"),
        reverse("partnership:reviews"),
        reverse("partnership:reviews") + "?stage=REFERRED",
        reverse("partnership:review_refer"),
        reverse("partnership:review_detail", args=[seeded["review"].pk]),
        reverse("partnership:review_decide", args=[seeded["review"].pk]),
        reverse("partnership:actions"),
        reverse("partnership:action_detail", args=[seeded["action"].pk]),
        reverse("partnership:inspections"),
        reverse("partnership:notifications"),
        reverse("partnership:audits"),
        reverse("partnership:audit_detail", args=[seeded["audit"].pk]),
        reverse("partnership:training"),
        reverse("partnership:event_detail", args=[seeded["event"].pk]),
        reverse("partnership:briefings"),
        reverse("partnership:briefing_detail", args=[seeded["briefing"].pk]),
        reverse("partnership:cycles"),
        reverse("partnership:cycle_detail", args=[seeded["cycle"].pk]),
        reverse("partnership:return_edit", args=[seeded["cycle"].returns.get().pk]),
        reverse("partnership:escalations"),
        reverse("partnership:escalation_detail", args=[seeded["esc"].pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    dashboard = client.get(reverse("partnership:home")).content.decode()
    assert "Neglect and self-neglect" in dashboard and "PRG-2025-01 Lily" in dashboard


def test_decision_form_is_for_the_manager_only(client, police_officer, seeded):
    client.force_login(police_officer)
    url = reverse("partnership:review_decide", args=[seeded["review"].pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"decision": "CSPR", "decision_rationale": "x", "version": 1})
    assert response.status_code == 403
    assert CaseReview.objects.get(pk=seeded["review"].pk).stage == ReviewStage.REFERRED


def test_decision_form_keeps_what_was_typed_on_error(client, manager, seeded):
    client.force_login(manager)
    url = reverse("partnership:review_decide", args=[seeded["review"].pk])
    response = client.post(url, {"decision": "SAR", "decision_rationale": "Adult review please", "version": 1})
    assert response.status_code == 200
    body = response.content.decode()
    assert "A safeguarding adult review is about an adult" in body and "Adult review please" in body


def test_other_agency_gets_no_update_form_and_cannot_post(client, nurse, seeded):
    client.force_login(nurse)
    url = reverse("partnership:action_detail", args=[seeded["action"].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Update this action" not in page.content.decode()
    assert client.post(url, {"status": "COMPLETE", "evidence": "x", "version": 1}).status_code == 403
    assert Action.objects.get(pk=seeded["action"].pk).status == "NOT_STARTED"


def test_owning_agency_updates_its_action_through_the_form(client, police_officer, seeded):
    client.force_login(police_officer)
    url = reverse("partnership:action_detail", args=[seeded["action"].pk])
    response = client.post(url, {"status": "COMPLETE", "evidence": "Records now sent within 1 day", "version": 1})
    assert response.status_code == 302
    assert Action.objects.get(pk=seeded["action"].pk).status == "COMPLETE"


def test_escalation_is_hidden_from_agencies_not_in_it(client, nurse, seeded):
    client.force_login(nurse)
    assert client.get(reverse("partnership:escalation_detail", args=[seeded["esc"].pk])).status_code == 404


def test_briefing_read_receipt_via_page(client, police_officer, seeded):
    client.force_login(police_officer)
    url = reverse("partnership:briefing_detail", args=[seeded["briefing"].pk])
    client.post(url)
    assert "You have read this briefing" in client.get(url).content.decode()


def test_referral_form_creates_a_review_and_links_the_person(client, police_officer, child, police):
    InvolvementFactory(person=child, agency=police, kind="PROFESSIONAL", started_at=timezone.now())
    client.force_login(police_officer)
    response = client.post(
        reverse("partnership:review_refer"),
        {
            "title": "Child C",
            "subject": "CHILD",
            "summary": "Serious injury",
            "learned_on": timezone.localdate().strftime("%d/%m/%Y"),
            "notifiable": "on",
            "themes": ["NEGLECT"],
            "person_id": child.pk,
        },
    )
    assert response.status_code == 302
    review = CaseReview.objects.get(title="Child C")
    assert review.notification_due_at is not None
    assert list(review.people.values_list("person_id", flat=True)) == [child.pk]


def test_home_panels_for_manager_and_chronology_for_linked_person(manager, seeded, police_officer, child, police, now):
    from safehub.partnership.chronology import chronology
    from safehub.partnership.home import home_panels

    panels = {p["title"]: p for p in home_panels(manager, now=now)}
    assert panels["Reviews needing a decision"]["figure"] == 1
    InvolvementFactory(person=child, agency=police, kind="PROFESSIONAL", started_at=now)
    reviews_services.review_link_person(
        review=seeded["review"], person=child, role="SUBJECT", by=police_officer, now=now
    )
    events = chronology(child, police_officer)
    assert events[0].title.startswith("Referred to the practice review group")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("partnership:home"))
    assert response.status_code == 302


def test_linking_the_adult_of_a_review_records_their_s44_condition_and_the_page_shows_it(
    client, police, police_officer, now
):
    from safehub.partnership.models import CaseReviewPerson
    from safehub.testing.factories import PersonFactory

    review = reviews_services.review_refer(
        by=police_officer, now=now, title="Adult R", subject="ADULT", summary="Neglect", learned_at=now
    )
    adult = PersonFactory(date_of_birth=date(1940, 1, 2))
    InvolvementFactory(person=adult, agency=police, kind="PROFESSIONAL", started_at=now)
    client.force_login(police_officer)
    url = reverse("partnership:review_link_person", args=[review.pk])
    response = client.post(url, {"person_id": adult.pk, "role": "SIBLING", "harm": "DIED"})
    assert response.status_code == 200 and "safeguarding adults review" in response.content.decode()
    response = client.post(url, {"person_id": adult.pk, "role": "SUBJECT", "harm": "DIED"})
    assert response.status_code == 302
    assert CaseReviewPerson.objects.get(review=review, person=adult).harm == "DIED"
    page = client.get(reverse("partnership:review_detail", args=[review.pk])).content.decode()
    assert "Died: abuse or neglect known or suspected to have caused the death" in page
