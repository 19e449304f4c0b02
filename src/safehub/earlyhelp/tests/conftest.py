from __future__ import annotations

from datetime import date, datetime

import pytest

from safehub.core.calendar import UK
from safehub.testing.factories import AgencyFactory, PersonFactory, RelationshipFactory, TeamFactory, make_user

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UK)  # a Wednesday


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def eh_team(front_door):
    return TeamFactory(agency=front_door, name="Early help")


@pytest.fixture
def eh_manager(front_door, eh_team):
    """An early help team manager (a social worker by role: they may step families up)."""
    return make_user("eh.manager", "SOCIAL_WORKER", front_door, team=eh_team)


@pytest.fixture
def eh_worker(front_door, eh_team):
    """An early help practitioner (records early help; steps up through their manager)."""
    return make_user("eh.worker", "AGENCY_PRACTITIONER", front_door, team=eh_team)


@pytest.fixture
def da_service(db):
    return AgencyFactory(kind="VOLUNTARY", code="DAS", name="Harbour Domestic Abuse Service")


@pytest.fixture
def da_specialist(da_service):
    return make_user("da.specialist", "AGENCY_PRACTITIONER", da_service)


@pytest.fixture
def outsider(db):
    housing = AgencyFactory(kind="HOUSING", code="HOUSE", name="Housing Options")
    return make_user("housing.officer", "AGENCY_PRACTITIONER", housing)


@pytest.fixture
def family(db):
    """A child, their mother and their brother, related on the register."""
    child = PersonFactory(given_name="Mia", family_name="Hart", date_of_birth=date(2016, 4, 2))
    mother = PersonFactory(given_name="Jo", family_name="Hart", date_of_birth=date(1990, 1, 9), sex="F")
    brother = PersonFactory(given_name="Leo", family_name="Hart", date_of_birth=date(2012, 8, 20))
    RelationshipFactory(person=child, related=mother, kind="PARENT")
    RelationshipFactory(person=child, related=brother, kind="SIBLING")
    RelationshipFactory(person=brother, related=child, kind="SIBLING")
    return {"child": child, "mother": mother, "brother": brother}
