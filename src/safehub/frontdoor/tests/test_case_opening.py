"""A referral signed off at the front door opens the child's case (issue 18: the case after the front door)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from safehub.casework.models import CaseEpisode
from safehub.frontdoor import services
from safehub.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_referral_opens_the_case_and_a_second_joins_it(mash_manager):
    child = PersonFactory()
    now = timezone.now()
    first = services.referral_create(contact=None, person=child, referral_date=date(2025, 6, 2), by=mash_manager,
                                     now=now, source="1A")  # fmt: skip
    case = CaseEpisode.objects.get(person=child)
    assert case.referral_id == first.pk and case.closure_date is None
    services.referral_create(contact=None, person=child, referral_date=date(2025, 7, 1), by=mash_manager, now=now,
                             source="2A")  # fmt: skip
    assert CaseEpisode.objects.filter(person=child).count() == 1  # at most one open case per child
