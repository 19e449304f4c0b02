"""Pages for the self-neglect pathway (concern to closure), DoLS, providers and PiPoT, for each role."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.adults.models_pathways import SelfNeglectCase

from .helpers import decide, raise_concern

pytestmark = pytest.mark.django_db


def fmt(day) -> str:
    return day.strftime("%d/%m/%Y")


def test_self_neglect_pathway_from_concern_to_closure_through_the_pages(
    client, adult_mash_manager, adult_social_worker, adult, care_provider
):
    now = timezone.now()
    today = timezone.localdate()
    concern = raise_concern(adult, adult_mash_manager, now - timedelta(days=3))
    decide(concern, adult_social_worker, now - timedelta(days=2), decision="NFA")
    client.force_login(adult_social_worker)
    assert "Self-neglect and hoarding cases" in client.get(reverse("adults:home")).content.decode()
    url = reverse("adults:self_neglect_open") + f"?person={adult.pk}"
    response = client.post(url, {"opened_on": fmt(today), "reason": "", "hoarding": "yes", "clutter_rating": "8",
                                 "engagement": "NOT_ENGAGING", "adult_view": "=Leave me be"})  # fmt: skip
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert "=Leave me be" in response.content.decode()  # what was typed is kept
    assert not SelfNeglectCase.objects.exists()
    response = client.post(url, {"opened_on": fmt(today), "reason": "Papers to the ceiling; cooker blocked",
                                 "hoarding": "yes", "clutter_rating": "8", "engagement": "NOT_ENGAGING",
                                 "adult_view": "=Leave me be", "next_review_date": fmt(today + timedelta(days=14))})  # fmt: skip
    case = SelfNeglectCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("adults:self_neglect", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Papers to the ceiling" in page and "consider escalating" in page
    listing = client.get(reverse("adults:self_neglect_list")).content.decode()
    assert adult.display_name in listing and "Without s42" in listing
    step = lambda name, data: client.post(reverse("adults:self_neglect_step", args=[case.pk, name]), data)  # noqa: E731
    assert step("meeting", {"held_on": fmt(today), "attendees": "ASC, fire, housing", "summary": "Fire visit agreed",
                            "next_review_date": fmt(today + timedelta(days=28))}).status_code == 302  # fmt: skip
    assert step("action", {"agency": care_provider.pk, "description": "Clear the cooker", "due_date": fmt(today)}
                ).status_code == 302  # fmt: skip
    case.refresh_from_db()
    assert step("escalate", {"escalated_on": fmt(today), "reason": "To the high-risk panel", "version": case.version}
                ).status_code == 302  # fmt: skip
    case.refresh_from_db()
    refused = step("close", {"closed_on": fmt(today), "outcome": "RISK_REDUCED", "summary": "Done",
                             "version": case.version})  # fmt: skip
    assert refused.status_code == 200 and "Complete (or record as done)" in refused.content.decode()
    action = case.actions.get()
    assert client.post(reverse("adults:self_neglect_action_done", args=[case.pk, action.pk])).status_code == 302
    closed = step("close", {"closed_on": fmt(today), "outcome": "RISK_REDUCED", "summary": "Cooker clear; she agreed",
                            "version": case.version})  # fmt: skip
    assert closed.status_code == 302
    case.refresh_from_db()
    assert (case.closed_on, case.closure_outcome, case.meetings.count()) == (today, "RISK_REDUCED", 1)
    assert "Closed" in client.get(reverse("adults:self_neglect", args=[case.pk])).content.decode()


@pytest.mark.parametrize("name", ["adults:dols", "adults:self_neglect_list", "adults:providers"])
def test_council_pages_render_and_others_are_refused(client, adult_social_worker, provider_practitioner, name):
    client.force_login(adult_social_worker)
    assert client.get(reverse(name)).status_code == 200
    client.force_login(provider_practitioner)
    assert client.get(reverse(name)).status_code == 403


def test_pipot_page_only_for_safeguarding_managers_and_the_link_only_for_them(
    client, adult_mash_manager, adult_social_worker
):
    client.force_login(adult_social_worker)
    assert client.get(reverse("adults:pipot")).status_code == 403
    assert reverse("adults:pipot") not in client.get(reverse("adults:home")).content.decode()
    client.force_login(adult_mash_manager)
    assert client.get(reverse("adults:pipot")).status_code == 200
    assert reverse("adults:pipot") in client.get(reverse("adults:home")).content.decode()


def test_another_councils_case_is_refused(client, adult_social_worker, adult, adult_mash_manager):
    from safehub.adults import services_pathways
    from safehub.testing.factories import AgencyFactory, make_user

    raise_concern(adult, adult_mash_manager, timezone.now())
    case = services_pathways.self_neglect_open(
        person=adult, by=adult_social_worker, now=timezone.now(), opened_on=timezone.localdate(),
        reason="Hoarding", engagement="PARTLY", adult_view="Fine",
    )  # fmt: skip
    elsewhere = make_user("other.council", "SOCIAL_WORKER", AgencyFactory(kind="LA_ADULTS", code="ASC2"))
    client.force_login(elsewhere)
    assert client.get(reverse("adults:self_neglect", args=[case.pk])).status_code == 403
    response = client.post(reverse("adults:self_neglect_step", args=[case.pk, "close"]), {})
    assert response.status_code == 403


def test_pipot_shows_and_links_the_lado_case_about_the_same_person_only_when_it_may_be_opened(
    client, adult_mash_manager, care_provider, front_door
):
    from safehub.adults import services_pathways
    from safehub.pathways.services import lado_refer
    from safehub.testing.factories import make_user

    now = timezone.now()
    case = services_pathways.pipot_record(
        by=adult_mash_manager, now=now, subject_name="Dan Brook", role="Support worker", employer=care_provider,
        received_on=timezone.localdate(), allegation="Took money from a resident", works_with_children=True,
    )  # fmt: skip
    fields = {"subject_role": "Youth football coach", "employer": None, "employer_name": "Northside Juniors FC",
              "sector": "SOCIAL_CARE", "category": "PHYSICAL", "summary": "Rough handling"}  # fmt: skip
    mine = lado_refer(by=adult_mash_manager, now=now, referred_at=now, subject_name="Dan Brook", **fields)
    someone_elses = lado_refer(by=make_user("csc.sw", "SOCIAL_WORKER", front_door), now=now, referred_at=now,
                               subject_name="Dan Brook", **fields)  # fmt: skip
    unrelated = lado_refer(by=adult_mash_manager, now=now, referred_at=now, subject_name="Eve Stone", **fields)
    client.force_login(adult_mash_manager)
    page = client.get(reverse("adults:pipot")).content.decode()
    assert reverse("pathways:lado_case", args=[mine.pk]) in page  # referred it: may open it
    assert reverse("pathways:lado_case", args=[someone_elses.pk]) not in page  # not named on it: not listed
    assert reverse("pathways:lado_case", args=[unrelated.pk]) not in page  # another person
    link = reverse("adults:pipot_link_lado", args=[case.pk])
    assert client.post(link, {"lado_case": someone_elses.pk}).status_code == 404
    assert client.post(link, {"lado_case": mine.pk}).status_code == 302
    case.refresh_from_db()
    assert case.lado_reference == mine.reference
    assert "Linked" in client.get(reverse("adults:pipot")).content.decode()


def test_an_adult_safeguarding_manager_records_a_pipot_allegation_through_the_page(
    client, adult_mash_manager, care_provider
):
    from safehub.adults.models_pathways import PositionOfTrustCase
    from safehub.core.models import AuditAction, AuditEvent

    client.force_login(adult_mash_manager)
    assert reverse("adults:pipot_new") in client.get(reverse("adults:pipot")).content.decode()
    page = client.get(reverse("adults:pipot_new"))
    assert page.status_code == 200 and "Record an allegation" in page.content.decode()
    today = timezone.localdate()
    fields = {"received_on": fmt(today), "subject_name": "Dana Price", "role": "Senior carer", "employer": "",
              "employer_name": "", "works_with_children": "yes", "allegation": "Rough handling at bedtime"}  # fmt: skip
    response = client.post(reverse("adults:pipot_new"), fields)
    assert response.status_code == 200 and "Give the employer or organisation" in response.content.decode()
    assert not PositionOfTrustCase.objects.exists()
    response = client.post(reverse("adults:pipot_new"), {**fields, "employer": str(care_provider.pk)})
    assert response.status_code == 302 and response["Location"] == reverse("adults:pipot")
    case = PositionOfTrustCase.objects.get()
    assert (case.subject_name, case.employer_id, case.works_with_children) == ("Dana Price", care_provider.pk, True)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="adults.PositionOfTrustCase", object_id=str(case.pk)
    ).exists()
    assert "Dana Price" in client.get(reverse("adults:pipot")).content.decode()


def test_the_pipot_form_is_refused_to_other_adults_roles(client, adult_social_worker, care_provider):
    from safehub.adults.models_pathways import PositionOfTrustCase

    client.force_login(adult_social_worker)
    assert client.get(reverse("adults:pipot_new")).status_code == 403
    response = client.post(
        reverse("adults:pipot_new"),
        {"received_on": fmt(timezone.localdate()), "subject_name": "Dana Price", "role": "Carer",
         "employer": str(care_provider.pk), "works_with_children": "no", "allegation": "Shouting"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not PositionOfTrustCase.objects.exists()


def test_the_self_neglect_list_pages_sorts_and_audits_only_the_page(client, adult_social_worker):
    from datetime import date, timedelta

    from django.utils import timezone

    from safehub.adults import services_pathways
    from safehub.core.models import AuditEvent
    from safehub.testing.factories import PersonFactory

    now = timezone.now()
    for n in range(53):
        services_pathways.self_neglect_open(
            person=_known(PersonFactory(family_name=f"Hoard{n:02d}", date_of_birth=date(1950, 1, 1)), adult_social_worker),
            by=adult_social_worker,
            now=now, opened_on=timezone.localdate() - timedelta(days=30), reason="Hoarding", engagement="PARTLY",
            adult_view="I manage.", hoarding=True, clutter_rating=5,
            next_review_date=timezone.localdate() + timedelta(days=n - 3),
        )  # fmt: skip
    client.force_login(adult_social_worker)
    first = client.get("/adults/self-neglect/")
    assert first.status_code == 200
    assert first.context["listing"].total == 53 and first.context["counts"]["overdue"] == 3
    assert [r.review_overdue for r in first.context["rows"][:4]] == [True, True, True, False]
    assert AuditEvent.objects.filter(actor=adult_social_worker, details__list="self-neglect cases").count() == 50
    last = client.get("/adults/self-neglect/?sort=name&dir=desc&page=2")
    assert [r.name.split()[-1] for r in last.context["rows"]] == ["Hoard02", "Hoard01", "Hoard00"]
    overdue = client.get("/adults/self-neglect/?show=overdue")
    assert overdue.context["listing"].total == 3


def _known(person, user):
    """A person the user's council works with (an open involvement)."""
    from safehub.people import policy
    from safehub.testing.factories import InvolvementFactory

    InvolvementFactory(person=person, agency_id=policy.agency_id_of(user))
    return person


def test_the_concerns_queue_pages_50_at_a_time_with_its_true_total_and_overdue(client, adult_social_worker):
    from datetime import date

    from safehub.adults.models import SafeguardingConcern
    from safehub.testing.factories import PersonFactory

    now = timezone.now()
    for n in range(52):
        adult = _known(PersonFactory(family_name=f"Queue{n:02d}", date_of_birth=date(1950, 1, 1)), adult_social_worker)
        raise_concern(adult, adult_social_worker, now - timedelta(days=n))
    client.force_login(adult_social_worker)
    first = client.get(reverse("adults:home"))
    assert first.context["queue_total"] == 52 and len(first.context["queue"]) == 50
    # overdue counted over every concern, not the page's (due 2 working days after receipt)
    assert first.context["overdue"] == SafeguardingConcern.objects.filter(decision_due_at__lt=now).count() > 40
    assert first.context["queue"][0].received_at < first.context["queue"][-1].received_at  # oldest due first
    second = client.get(reverse("adults:home"), {"queue_page": "2"})
    assert len(second.context["queue"]) == 2 and second.context["queue_total"] == 52
    assert "queue_page=2" in first.content.decode()
