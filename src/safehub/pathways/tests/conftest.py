from __future__ import annotations

from datetime import datetime

import pytest

from safehub.agencies.models import Team
from safehub.core.calendar import UK
from safehub.people.models import Involvement
from safehub.testing.factories import AgencyFactory, PersonFactory, make_user

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UK)  # a Wednesday


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def lado_officer(front_door):
    team = Team.objects.create(agency=front_door, name="LADO")
    user = make_user("lado.officer", "SOCIAL_WORKER", front_door)
    user.membership.team = team
    user.membership.save()
    return user


@pytest.fixture
def social_worker(front_door):
    """A social worker in the same agency as the LADO, but not in the LADO team."""
    team = Team.objects.create(agency=front_door, name="Assessment team")
    user = make_user("sw.other", "SOCIAL_WORKER", front_door)
    user.membership.team = team
    user.membership.save()
    return user


@pytest.fixture
def fostered_child(db, front_door):
    child = PersonFactory(given_name="Ama", family_name="Mensah", date_of_birth=datetime(2013, 5, 1).date())
    Involvement.objects.create(person=child, agency=front_door, kind="CASE_HOLDER", started_at=NOW)
    return child


@pytest.fixture
def other_school(db):
    return AgencyFactory(kind="SCHOOL", code="SCH9", name="Birch Academy", urn="100009")
