from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safehub.adults.selectors import young_people_in_transition
from safehub.people.models import Involvement
from safehub.testing.factories import PersonFactory

from .helpers import raise_concern

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 1, 15)
WHEN = datetime(2025, 1, 10, 10, tzinfo=UTC)


def _known_to_csc(person, agency):
    Involvement.objects.create(person=person, agency=agency, kind="CASE_HOLDER", started_at=timezone.now())


def test_lists_17_to_25_year_olds_known_to_childrens_services_with_an_adult_concern(
    front_door, adult_mash_manager, council
):
    care_leaver = PersonFactory(given_name="Jade", date_of_birth=date(2005, 3, 1))  # 19
    too_old = PersonFactory(given_name="Kim", date_of_birth=date(1998, 1, 1))  # 27
    not_known = PersonFactory(given_name="Lee", date_of_birth=date(2004, 6, 1))  # 20, never known to CSC
    no_concern = PersonFactory(given_name="Max", date_of_birth=date(2006, 6, 1))  # 18, no adult concern
    for person in (care_leaver, too_old, no_concern):
        _known_to_csc(person, front_door)
    for person in (care_leaver, too_old, not_known):
        raise_concern(person, adult_mash_manager, WHEN, has_care_and_support_needs=True)
    rows = young_people_in_transition(user=adult_mash_manager, as_of=AS_OF)
    assert [(r.person_id, r.age, r.adult_concerns, r.care_and_support_needs) for r in rows] == [
        (care_leaver.pk, 19, 1, True)
    ]


def test_a_concern_after_the_date_does_not_count(front_door, adult_mash_manager, council):
    person = PersonFactory(date_of_birth=date(2005, 3, 1))
    _known_to_csc(person, front_door)
    raise_concern(person, adult_mash_manager, datetime(2025, 2, 1, 10, tzinfo=UTC))
    assert young_people_in_transition(user=adult_mash_manager, as_of=AS_OF) == []


def test_transitions_need_casework_or_adult_decision_rights(nurse, front_door):
    with pytest.raises(PermissionDenied):
        young_people_in_transition(user=nurse, as_of=AS_OF)
