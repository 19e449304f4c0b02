from __future__ import annotations

from datetime import datetime

import pytest

from safehub.core.calendar import UK
from safehub.testing.factories import AgencyFactory, InvolvementFactory, PersonFactory, TeamFactory, make_user

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UK)  # a Wednesday


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def lado_officer(front_door):
    return make_user("lado.officer", "SOCIAL_WORKER", front_door, team=TeamFactory(agency=front_door, name="LADO"))


@pytest.fixture
def social_worker(front_door):
    """A social worker in the same agency as the LADO, but not in the LADO team."""
    return make_user(
        "sw.other", "SOCIAL_WORKER", front_door, team=TeamFactory(agency=front_door, name="Assessment team")
    )


@pytest.fixture
def fostered_child(db, front_door):
    child = PersonFactory(given_name="Ama", family_name="Mensah", date_of_birth=datetime(2013, 5, 1).date())
    InvolvementFactory(person=child, agency=front_door, started_at=NOW)
    return child


@pytest.fixture
def other_school(db):
    return AgencyFactory(kind="SCHOOL", code="SCH9", name="Birch Academy", urn="100009")
