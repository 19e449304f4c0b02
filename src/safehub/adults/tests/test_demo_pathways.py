"""The demo's MCA records and pathways follow the rules and show on the pages."""

import random
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from safehub.adults import rules, selectors_mca, selectors_pathways
from safehub.adults.models import Enquiry
from safehub.adults.models_mca import CapacityAssessment, DolsApplication
from safehub.adults.models_pathways import PositionOfTrustCase, ProviderCase, SelfNeglectCase
from safehub.demo.adults_pathways import seed_pathways
from safehub.testing.factories import PersonFactory

from .helpers import complete_enquiry, decide, raise_concern

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)


def test_demo_pathways(client, adult_mash_manager, adult_social_worker, council, care_provider):
    for i in range(12):
        person = PersonFactory(date_of_birth=date(1930 + i, 5, 1))
        moment = datetime(2024, 5 + i % 6, 3, 10, tzinfo=UTC)
        concern = raise_concern(person, adult_mash_manager, moment, where_happened="Care home")
        decide(concern, adult_social_worker, moment, decision="S42" if i % 3 else "OTHER")
        complete_enquiry(
            Enquiry.objects.get(concern=concern), adult_social_worker, moment, concluded_date=date(2024, 12, 1),
            lacked_capacity="YES" if i % 2 else "NO", advocate_support=True,
        )  # fmt: skip
    enquiries = list(Enquiry.objects.select_related("concern"))
    said = seed_pathways(
        random.Random(1), today=NOW.date(), now=NOW, council=council, enquiries=enquiries, user=adult_social_worker
    )
    assert "capacity assessments" in said
    assert CapacityAssessment.objects.exists() and DolsApplication.objects.exists()
    for a in DolsApplication.objects.all():
        assert a.decision_due == rules.standard_decision_due(a.requested_on)
        if a.urgent_granted_on:
            assert a.urgent_last_day == rules.urgent_last_day(a.urgent_granted_on, extended=bool(a.urgent_extended_on))
        if a.authorised_until:
            assert rules.standard_valid_until(a.authorised_from, a.authorised_until)
    for c in CapacityAssessment.objects.all():  # every outcome follows the two-stage test
        functional = rules.FunctionalTest(c.can_understand, c.can_retain, c.can_use_or_weigh, c.can_communicate)
        assert c.outcome == rules.capacity_outcome(
            impairment=c.impairment, functional=functional, because_of_impairment=c.because_of_impairment
        )
    assert CapacityAssessment.objects.filter(enquiry__isnull=True).exists()  # the DoLS assessments
    assert SelfNeglectCase.objects.count() >= 3
    assert ProviderCase.objects.get().enquiries.count() >= 2
    assert PositionOfTrustCase.objects.count() == 3  # a fourth only when the LADO has a case to link
    # An ordinary working day: some requests waiting (most not yet past 21 days), reviews coming up.
    rows = selectors_mca.dols_worklist(user=adult_social_worker, now=NOW)
    waiting = [r for r in rows if "decision" in r.status]
    assert waiting and sum(r.overdue for r in waiting) < len(waiting)
    assert sum(r.overdue for r in rows) <= len(rows) // 3
    open_cases = selectors_pathways.self_neglect_open_cases(user=adult_social_worker, now=NOW)
    assert open_cases and sum(c.review_overdue for c in open_cases) <= 1
    assert all(c.next_review_date is not None for c in open_cases)
    client.force_login(adult_social_worker)
    for name in ("adults:dols", "adults:self_neglect_list", "adults:providers"):
        assert client.get(reverse(name)).status_code == 200
    case = SelfNeglectCase.objects.first()
    assert client.get(reverse("adults:self_neglect", args=[case.pk])).status_code == 200
    client.force_login(adult_mash_manager)
    assert "Martin Hale" in client.get(reverse("adults:pipot")).content.decode()
