"""Apps contribute chronology events and home panels by convention; core names no app."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safehub.core.chronology import person_chronology
from safehub.core.registry import app_modules
from safehub.core.roles_home import home_panels
from safehub.people.selectors import person_merged_records
from safehub.testing.factories import AgencyFactory, PersonFactory, make_user


def test_contributions_are_found_in_settings_order_and_core_is_not_one_of_them():
    names = [m.__name__ for m in app_modules("home")]
    assert "safehub.people.home" in names and "safehub.frontdoor.home" in names
    assert names.index("safehub.people.home") < names.index("safehub.frontdoor.home")
    assert not any(n.startswith("safehub.core.") for n in names)
    assert "safehub.people.chronology" in [m.__name__ for m in app_modules("chronology")]


@pytest.mark.django_db
def test_the_home_page_still_offers_search_first():
    mash = make_user("mash.worker", "SOCIAL_WORKER", AgencyFactory(kind="LA_CHILDREN"))
    titles = [p["title"] for p in home_panels(mash, now=timezone.now())]
    assert titles[0] == "Find a person"


@pytest.mark.django_db
def test_a_merged_record_and_its_own_merged_record_belong_to_the_survivors_chronology():
    survivor, merged, merged_earlier = PersonFactory(), PersonFactory(), PersonFactory()
    merged.merged_into = survivor
    merged.save()
    merged_earlier.merged_into = merged
    merged_earlier.save()
    user = make_user("mash.reader", "SOCIAL_WORKER", AgencyFactory(kind="LA_CHILDREN"))

    records = person_merged_records(survivor)
    alone = person_chronology(person=survivor, user=user)
    together = person_chronology(person=survivor, user=user, merged=records)

    assert {p.pk for p in records} == {merged.pk, merged_earlier.pk}
    assert len([e for e in alone if e.title == "Record created"]) == 1
    assert len([e for e in together if e.title == "Record created"]) == 3
