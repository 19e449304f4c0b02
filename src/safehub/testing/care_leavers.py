"""A care leaver made through the looked-after services, for the tests of the pages that show one
(the care leavers' pages and the SSDA903 pre-submission page)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safehub.casework.models import LookedAfterEpisode
from safehub.lookedafter import permanence, services
from safehub.people.models import Involvement
from safehub.testing.factories import PersonFactory, make_user


def care_leaver(agency):
    """Return (a 17-year-old who left care 30 days ago after 670 days, their social worker)."""
    sw = make_user("sw", "SOCIAL_WORKER", agency)
    now = timezone.now()
    young = PersonFactory(
        given_name="Sam", family_name="Leaver", date_of_birth=now.date() - timedelta(days=365 * 17 + 100)
    )
    Involvement.objects.create(person=young, agency=agency, kind="CASE_HOLDER", started_at=now - timedelta(days=900))
    carer = services.provider_register(name="Carers A", kind="FOSTER_CARER", place_provider="PR1",
                                       postcode="SO14 0BE", urn="SC058592", by=sw, now=now)  # fmt: skip
    period = LookedAfterEpisode.objects.create(person=young, start_date=now.date() - timedelta(days=700))
    services.care_start(period=period, legal_status="V2", category_of_need="N4", placement=services.Placement("U6", carer),
                        home_postcode="SO14 0HU", by=sw, now=now)  # fmt: skip
    services.care_end(period=period, on=now.date() - timedelta(days=30), reason="E13", by=sw, now=now)
    permanence.care_leaver_update(person=young, personal_adviser=sw, by=sw, now=now)
    return young, sw
