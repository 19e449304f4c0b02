"""Pages: each role gets what it may see, forms keep what was typed, the CSV downloads."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.core.chronology import person_chronology
from safehub.core.roles_home import home_panels

from .helpers import decide, raise_concern

pytestmark = pytest.mark.django_db


def test_record_a_concern_through_the_page(client, adult_mash_manager, adult):
    client.force_login(adult_mash_manager)
    url = reverse("adults:concern_create") + f"?person={adult.pk}"
    assert "Record a safeguarding concern" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "received_date": timezone.localdate().strftime("%d/%m/%Y"),
            "source_kind": "FAMILY_OR_FRIEND",
            "source_name": "Daughter, 07700 900123",
            "what_happened": "Mum's savings have gone missing since the new lodger moved in",
            "consent": "REFUSED",
            "lawful_basis": "",
        },
    )
    assert response.status_code == 200  # lawful basis missing: the form comes back with what was typed
    body = response.content.decode()
    assert "lawful basis" in body and "new lodger moved in" in body
    assert not SafeguardingConcern.objects.exists()


def test_decide_on_the_concern_page_opens_the_enquiry(client, adult_mash_manager, adult_social_worker, adult):
    concern = raise_concern(adult, adult_mash_manager, timezone.now())
    client.force_login(adult_social_worker)
    page = client.get(reverse("adults:concern", args=[concern.pk])).content.decode()
    assert "Section 42 test and decision" in page and "Record the decision" in page
    response = client.post(
        reverse("adults:concern_decide", args=[concern.pk]),
        {
            "has_care_and_support_needs": "yes",
            "experiencing_or_at_risk": "yes",
            "unable_to_protect_self": "no",
            "decision": "S42",
            "decision_rationale": "Test",
            "version": concern.version,
        },
    )
    assert response.status_code == 200
    assert "all three answers to be yes" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_provider_sees_its_enquiry_page_but_not_the_concern(
    client, adult_mash_manager, adult_social_worker, adult, care_provider, provider_practitioner
):
    concern = raise_concern(adult, adult_mash_manager, timezone.now())
    decide(concern, adult_social_worker, timezone.now(), carried_out_by=care_provider)
    enquiry = Enquiry.objects.get()
    client.force_login(provider_practitioner)
    home = client.get(reverse("adults:home")).content.decode()
    assert "Enquiries you have been asked to carry out (1)" in home
    assert client.get(reverse("adults:enquiry", args=[enquiry.pk])).status_code == 200
    assert client.get(reverse("adults:concern", args=[concern.pk])).status_code == 403


def test_unrelated_agency_gets_403(client, adult_mash_manager, adult_social_worker, adult, nurse):
    concern = raise_concern(adult, adult_mash_manager, timezone.now())
    decide(concern, adult_social_worker, timezone.now())
    client.force_login(nurse)
    assert client.get(reverse("adults:enquiry", args=[Enquiry.objects.get().pk])).status_code == 403
    assert client.get(reverse("adults:concern", args=[concern.pk])).status_code == 403
    assert client.get(reverse("adults:measures")).status_code == 403


def test_measures_page_and_csv(client, analyst, adult_mash_manager, adult):
    raise_concern(adult, adult_mash_manager, timezone.now())
    client.force_login(analyst)
    page = client.get(reverse("adults:measures")).content.decode()
    assert "Individuals involved in safeguarding concerns" in page and "Published 2023/24" in page
    response = client.get(reverse("adults:measures_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["measure_id", "section", "label"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["adult_concerns_total"][3] == "1"
    assert by_id["adult_individuals_concerns"][4:] == ["1186", "887"]


def test_home_panel_counts_concerns_awaiting_decision(adult_mash_manager, adult):
    raise_concern(adult, adult_mash_manager, timezone.now())
    panels = {p["title"]: p for p in home_panels(adult_mash_manager, now=timezone.now())}
    assert panels["Adult concerns awaiting decision"]["figure"] == 1


def test_chronology_follows_the_sharing_rules(
    adult_mash_manager, adult_social_worker, adult, care_provider, provider_practitioner
):
    now = timezone.now()
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now, carried_out_by=care_provider)
    council_titles = {e.title for e in person_chronology(person=adult, user=adult_social_worker)}
    assert {"Safeguarding concern received", "Decision: Section 42 enquiry", "Section 42 enquiry started"} <= (
        council_titles
    )
    provider_titles = {e.title for e in person_chronology(person=adult, user=provider_practitioner)}
    assert "Section 42 enquiry started" in provider_titles
    assert "Safeguarding concern received" not in provider_titles
