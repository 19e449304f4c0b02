"""Adult safeguarding fixtures: the council's adult social care, a care provider, adults."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from safehub.insight.snapshot import snapshot_cache_clear
from safehub.testing.factories import AgencyFactory, PersonFactory, make_user


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    """The measures come from the cached snapshot: each test sees its own records."""
    snapshot_cache_clear()
    yield
    snapshot_cache_clear()


@pytest.fixture
def council(db):
    return AgencyFactory(kind="LA_ADULTS", code="ASC", name="Adult Social Care")


@pytest.fixture
def care_provider(db):
    return AgencyFactory(kind="CARE_PROVIDER", code="CARE1", name="Oakfield Care Homes")


@pytest.fixture
def other_provider(db):
    return AgencyFactory(kind="CARE_PROVIDER", code="CARE2", name="Solent Home Care")


@pytest.fixture
def adult_social_worker(council):
    return make_user("asc.worker", "SOCIAL_WORKER", council)


@pytest.fixture
def adult_mash_manager(council):
    return make_user("asc.manager", "FRONT_DOOR_MANAGER", council)


@pytest.fixture
def provider_practitioner(care_provider):
    return make_user("care.manager", "AGENCY_PRACTITIONER", care_provider)


@pytest.fixture
def other_provider_practitioner(other_provider):
    return make_user("other.care", "AGENCY_PRACTITIONER", other_provider)


@pytest.fixture
def adult(db):
    return PersonFactory(
        given_name="Edith", family_name="Marsh", date_of_birth=date(1938, 5, 2), sex="F", ethnicity="WBRI"
    )


@pytest.fixture
def now():
    return datetime(2024, 10, 8, 10, 0, tzinfo=UTC)  # a Tuesday
