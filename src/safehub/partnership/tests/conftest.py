"""Fixtures for the partnership app: the business unit, its manager, and a review ready to publish."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from safehub.partnership.reviews import services as reviews_services
from safehub.testing.factories import AgencyFactory, make_user

NOW = datetime(2025, 4, 17, 10, 0, tzinfo=UTC)  # Thursday before Good Friday


@pytest.fixture
def business_unit(db):
    return AgencyFactory(kind="PARTNERSHIP", code="HSP", name="Safeguarding Partnership")


@pytest.fixture
def manager(business_unit):
    return make_user("partnership.manager", "PARTNERSHIP_MANAGER", business_unit)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def child_referral(police_officer, now):

    return reviews_services.review_refer(
        by=police_officer,
        now=now,
        title="Child A",
        subject="CHILD",
        summary="Serious injury to a baby; neglect suspected.",
        learned_at=now,
        notifiable=True,
        themes=["NEGLECT", "SUBSTANCE_USE"],
    )
