"""Pages: each role gets what it may see, forms keep what was typed, the CSV downloads."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.core.calendar import financial_year_of
from safehub.core.chronology import person_chronology
from safehub.core.roles_home import home_panels
from safehub.insight.selectors import snapshot_current

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


def _concerns_cell(page: str) -> int:
    """The year's figure in the page's 'Safeguarding concerns received (cases)' row."""
    match = re.search(r"Safeguarding concerns received \(cases\)</th>\s*<td[^>]*>(\d+)</td>", page)
    assert match, "the concerns row is on the page"
    return int(match.group(1))


def test_measures_page_says_how_old_its_figures_are_and_counts_a_new_concern_at_once(
    client, analyst, adult, adult_mash_manager, django_capture_on_commit_callbacks
):
    url = reverse("adults:measures") + f"?year={financial_year_of(timezone.localdate())}"
    client.force_login(analyst)
    before = client.get(url).content.decode()
    built = snapshot_current()  # what the page counted from (cached, so the same snapshot)
    as_of = timezone.localtime(built.built_at)
    assert f"Figures as of {as_of:%H:%M} on {as_of.day} {as_of:%B %Y}" in before
    assert _concerns_cell(before) == 0
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(adult, adult_mash_manager, timezone.now())
    after = client.get(url).content.decode()
    assert _concerns_cell(after) == 1  # not the cached 0: recording the concern dropped the snapshot
    assert snapshot_current().generation != built.generation  # a new snapshot, for every process


def test_the_concern_page_records_reported_autism(client, adult_mash_manager, adult):
    client.force_login(adult_mash_manager)
    url = reverse("adults:concern_create") + f"?person={adult.pk}"
    assert "Is the adult autistic?" in client.get(url).content.decode()
    client.post(
        url,
        {
            "received_date": timezone.localdate().strftime("%d/%m/%Y"),
            "source_kind": "FAMILY_OR_FRIEND",
            "source_name": "Daughter, 07700 900123",
            "what_happened": "Mum's savings have gone missing since the new lodger moved in",
            "consent": "GIVEN",
            "reported_autism": "ASPERGERS",
        },
    )
    assert SafeguardingConcern.objects.get().reported_autism == "ASPERGERS"
