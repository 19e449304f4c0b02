"""Pages for capacity assessments, best interests, advocacy and DoLS, from the enquiry page; each role."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.adults.models_mca import Advocacy, BestInterestsDecision, CapacityAssessment, DolsApplication
from safehub.people import policy
from safehub.testing.factories import AgencyFactory, make_user

from .helpers import decide, raise_concern

pytestmark = pytest.mark.django_db


def fmt(day) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def enquiry(adult, adult_mash_manager, adult_social_worker):
    now = timezone.now()
    concern = raise_concern(adult, adult_mash_manager, now - timedelta(days=3))
    decide(concern, adult_social_worker, now - timedelta(days=2))
    return concern.enquiries.get()


CAPACITY = {
    "decision": "Whether to move into a care home",
    "impairment": "yes",
    "impairment_detail": "Vascular dementia",
    "can_understand": "yes",
    "can_retain": "no",
    "can_use_or_weigh": "no",
    "can_communicate": "yes",
    "because_of_impairment": "yes",
    "support_given": "Two morning visits; photographs of the home; her daughter present",
    "assessor_role": "Social worker",
}


def test_capacity_best_interests_and_advocacy_recorded_from_the_enquiry(client, adult_social_worker, enquiry, adult):
    today = timezone.localdate()
    client.force_login(adult_social_worker)
    page = client.get(reverse("adults:enquiry", args=[enquiry.pk])).content.decode()
    person_url = reverse("adults:mca_person", args=[adult.pk]) + f"?enquiry={enquiry.pk}"
    assert person_url.replace("?", "?") in page.replace("&amp;", "&")
    url = reverse("adults:mca_step", args=[adult.pk, "capacity"]) + f"?enquiry={enquiry.pk}"
    refused = client.post(url, {**CAPACITY, "support_given": "", "assessed_on": fmt(today)})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert not CapacityAssessment.objects.exists()
    response = client.post(url, {**CAPACITY, "assessed_on": fmt(today)})
    assert response.status_code == 302 and response["Location"] == person_url
    assessment = CapacityAssessment.objects.get()
    assert (assessment.outcome, assessment.enquiry_id) == ("LACKS_CAPACITY", enquiry.pk)
    page = client.get(person_url).content.decode()
    assert "Lacks capacity to make this decision" in page and "Two morning visits" in page
    bi_url = reverse("adults:best_interests", args=[assessment.pk])
    assert bi_url in page
    assert client.post(bi_url, {"decision": "Move to Oakfield for respite", "persons_views": "Wants her cat",
                                "consulted": "Daughter (LPA health and welfare)", "least_restrictive_option":
                                "Home care four times a day was tried first", "decided_on": fmt(today)}
                       ).status_code == 302  # fmt: skip
    assert BestInterestsDecision.objects.get().consulted.startswith("Daughter")
    # Care Act s68 advocate: she has capacity issues here, but the duty turns on substantial difficulty.
    adv_url = reverse("adults:mca_step", args=[adult.pk, "advocacy"]) + f"?enquiry={enquiry.pk}"
    no_duty = client.post(adv_url, {"kind": "CARE_ACT_S68", "substantial_difficulty": "yes",
                                    "appropriate_individual": "yes", "referred_on": fmt(today)})  # fmt: skip
    assert no_duty.status_code == 200 and "no appropriate individual" in no_duty.content.decode()
    assert client.post(adv_url, {"kind": "CARE_ACT_S68", "substantial_difficulty": "yes",
                                 "appropriate_individual": "no", "referred_on": fmt(today),
                                 "advocate": "Solent Advocacy"}).status_code == 302  # fmt: skip
    assert Advocacy.objects.get().enquiry_id == enquiry.pk
    assert "Solent Advocacy" in client.get(person_url).content.decode()


def test_dols_request_decided_and_reviewed_through_the_pages(client, adult_social_worker, adult, enquiry):
    care_home = AgencyFactory(kind="CARE_PROVIDER", code="OAK", name="Oakfield Care Home")
    today = timezone.localdate()
    client.force_login(adult_social_worker)
    response = client.post(reverse("adults:mca_step", args=[adult.pk, "dols"]), {
        "managing_authority": care_home.pk, "requested_on": fmt(today), "urgent_granted_on": fmt(today)})  # fmt: skip
    application = DolsApplication.objects.get()
    assert response["Location"] == reverse("adults:dols_detail", args=[application.pk])
    assert application.decision_due == today + timedelta(days=20)
    page = client.get(response["Location"]).content.decode()
    assert "Extend by 7 days" in page and "Urgent authorisation in force" in page
    assert application.pk and reverse("adults:dols_detail", args=[application.pk]) in client.get(
        reverse("adults:dols")).content.decode()  # fmt: skip
    step = lambda name, data: client.post(reverse("adults:dols_step", args=[application.pk, name]), data)  # noqa: E731
    assert step("extend", {"extended_on": fmt(today), "version": 1}).status_code == 302
    stale = step("decide", {"outcome": "GRANTED", "decided_on": fmt(today), "authorised_from": fmt(today),
                            "authorised_until": fmt(today + timedelta(days=200)), "version": 1})  # fmt: skip
    assert stale.status_code == 409
    too_long = step("decide", {"outcome": "GRANTED", "decided_on": fmt(today), "authorised_from": fmt(today),
                               "authorised_until": fmt(date(today.year + 1, today.month, 28)), "version": 2})  # fmt: skip
    assert too_long.status_code == 200 and "at most one year" in too_long.content.decode()
    granted = step("decide", {"outcome": "GRANTED", "decided_on": fmt(today), "authorised_from": fmt(today),
                              "authorised_until": fmt(today + timedelta(days=200)), "version": 2,
                              "conditions": "Weekly visits from her daughter"})  # fmt: skip
    assert granted.status_code == 302
    application.refresh_from_db()
    assert application.review_due == today + timedelta(days=200 - 28)
    page = client.get(reverse("adults:dols_detail", args=[application.pk])).content.decode()
    assert "Weekly visits from her daughter" in page and "Record the review" in page
    assert step("review", {"reviewed_on": fmt(today), "conditions": "Weekly visits", "version": 3,
                           "next_review_due": fmt(today + timedelta(days=90))}).status_code == 302  # fmt: skip


def test_measures_page_shows_dols_and_advocacy(client, analyst):
    client.force_login(analyst)
    page = client.get(reverse("adults:measures")).content.decode()
    assert "Deprivation of Liberty Safeguards: applications, authorisations and waiting time" in page
    assert "Median days from request to decision" in page and "All advocacy referrals" in page


def test_who_may_open_the_pages(client, adult, enquiry, provider_practitioner, adult_social_worker, analyst):
    care_home = AgencyFactory(kind="CARE_PROVIDER", code="OAK", name="Oakfield Care Home")
    client.force_login(adult_social_worker)
    client.post(reverse("adults:mca_step", args=[adult.pk, "dols"]),
                {"managing_authority": care_home.pk, "requested_on": fmt(timezone.localdate())})  # fmt: skip
    application = DolsApplication.objects.get()
    client.force_login(analyst)  # aggregates only
    assert client.get(reverse("adults:mca_person", args=[adult.pk])).status_code == 403
    assert client.get(reverse("adults:dols_detail", args=[application.pk])).status_code == 403
    client.force_login(provider_practitioner)  # no involvement with this adult
    assert client.get(reverse("adults:mca_person", args=[adult.pk])).status_code in (403, 404)
    assert client.get(reverse("adults:mca_step", args=[adult.pk, "advocacy"])).status_code in (403, 404)
    assert client.get(reverse("adults:dols_detail", args=[application.pk])).status_code == 403
    other_council = AgencyFactory(kind="LA_ADULTS", code="ASC2", name="Neighbouring Adult Social Care")
    client.force_login(make_user("asc2.worker", "SOCIAL_WORKER", other_council))
    assert client.get(reverse("adults:dols_detail", args=[application.pk])).status_code == 403
    assert client.get(reverse("adults:dols_detail", args=[application.pk + 99])).status_code == 404
    client.force_login(adult_social_worker)
    assert client.get(reverse("adults:mca_step", args=[adult.pk, "nonsense"])).status_code == 404
    assert client.get(reverse("adults:mca_person", args=[adult.pk]) + "?enquiry=999999").status_code == 404


def test_childrens_mash_is_refused_the_adults_capacity_and_dols_pages(
    client, adult, enquiry, adult_social_worker, adult_mash_manager, mash_worker, mash_manager, front_door
):
    """Care Act 2014 s42 and the DoLS supervisory body are adult social care's: the children's MASH,
    which may open every family member's record, has no standing in an adult's capacity or DoLS work."""
    care_home = AgencyFactory(kind="CARE_PROVIDER", code="OAK", name="Oakfield Care Home")
    client.force_login(adult_social_worker)
    client.post(reverse("adults:mca_step", args=[adult.pk, "dols"]),
                {"managing_authority": care_home.pk, "requested_on": fmt(timezone.localdate())})  # fmt: skip
    application = DolsApplication.objects.get()
    pages = [
        reverse("adults:mca_person", args=[adult.pk]),
        reverse("adults:mca_step", args=[adult.pk, "capacity"]),
        reverse("adults:dols"),
        reverse("adults:dols_detail", args=[application.pk]),
    ]
    for children_front_door in (mash_worker, mash_manager):
        assert policy.person_access(children_front_door, adult).allowed  # the record itself is open to them
        assert not policy.can(children_front_door, "adults.decide")
        assert not policy.can(children_front_door, "adults.enquiry")
        client.force_login(children_front_door)
        assert [client.get(url).status_code for url in pages] == [403, 403, 403, 403]
    childrens_social_worker = make_user("csc.worker", "SOCIAL_WORKER", front_door)
    assert not policy.can(childrens_social_worker, "adults.decide")
    client.force_login(adult_mash_manager)
    assert [client.get(url).status_code for url in pages] == [200, 200, 200, 200]
    assert reverse("adults:dols_detail", args=[application.pk]) in client.get(reverse("adults:dols")).content.decode()
