"""Who sees which adult records: the council, the referrer, and the agency carrying out an enquiry."""

import pytest
from django.core.exceptions import PermissionDenied

from safehub.adults import selectors, services
from safehub.adults.models import Enquiry
from safehub.core.errors import BreakGlassRequired
from safehub.core.models import AuditAction, AuditEvent
from safehub.testing.factories import PersonFactory

from .helpers import decide, raise_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_enquiries(adult_mash_manager, adult_social_worker, adult, now, care_provider, other_provider):
    """One enquiry carried out by the care provider, another (about another adult) by another provider."""
    ours = raise_concern(adult, adult_mash_manager, now)
    decide(ours, adult_social_worker, now, carried_out_by=care_provider)
    neighbour = PersonFactory(given_name="Albert", family_name="Stone", date_of_birth=ours.person.date_of_birth)
    theirs = raise_concern(neighbour, adult_mash_manager, now)
    decide(theirs, adult_social_worker, now, carried_out_by=other_provider)
    return Enquiry.objects.get(concern=ours), Enquiry.objects.get(concern=theirs)


def test_provider_opens_the_enquiry_it_was_asked_to_carry_out(two_enquiries, provider_practitioner, now):
    ours, _ = two_enquiries
    enquiry = selectors.enquiry_get_for_user(user=provider_practitioner, enquiry_id=ours.pk, now=now)
    assert enquiry.pk == ours.pk
    assert AuditEvent.objects.filter(
        actor=provider_practitioner, action=AuditAction.VIEW, person_id=ours.person_id
    ).exists()


def test_provider_cannot_open_an_enquiry_carried_out_by_another_agency(two_enquiries, provider_practitioner, now):
    _, theirs = two_enquiries
    with pytest.raises(PermissionDenied):
        selectors.enquiry_get_for_user(user=provider_practitioner, enquiry_id=theirs.pk, now=now)


def test_provider_lists_only_its_own_enquiries(two_enquiries, provider_practitioner, adult_social_worker, now):
    ours, theirs = two_enquiries
    assert [r.enquiry_id for r in selectors.enquiries_open(user=provider_practitioner, now=now)] == [ours.pk]
    council_view = {r.enquiry_id for r in selectors.enquiries_open(user=adult_social_worker, now=now)}
    assert council_view == {ours.pk, theirs.pk}


def test_provider_cannot_see_another_enquiry_about_the_same_adult(
    two_enquiries, provider_practitioner, adult_mash_manager, adult_social_worker, adult, now
):
    ours, _ = two_enquiries
    second = raise_concern(adult, adult_mash_manager, now)
    decide(second, adult_social_worker, now)  # the council carries this one out itself
    council_only = Enquiry.objects.get(concern=second)
    with pytest.raises(PermissionDenied):
        selectors.enquiry_get_for_user(user=provider_practitioner, enquiry_id=council_only.pk, now=now)
    assert [r.enquiry_id for r in selectors.enquiries_open(user=provider_practitioner, now=now)] == [ours.pk]


def test_provider_cannot_open_the_concern_itself(two_enquiries, provider_practitioner, now):
    ours, _ = two_enquiries
    with pytest.raises(PermissionDenied):
        selectors.concern_get_for_user(user=provider_practitioner, concern_id=ours.concern_id, now=now)


def test_provider_records_and_concludes_its_enquiry(two_enquiries, provider_practitioner, now):
    ours, theirs = two_enquiries
    updated = services.enquiry_update(
        enquiry=ours, by=provider_practitioner, now=now, expected_version=1, risk_types=["ORGANISATIONAL"]
    )
    assert updated.risk_type_codes() == ["ORGANISATIONAL"]
    with pytest.raises(PermissionDenied):
        services.enquiry_update(
            enquiry=theirs, by=provider_practitioner, now=now, expected_version=1, risk_types=["NEGLECT"]
        )
    assert theirs.risk_type_codes() == []


def test_unrelated_agency_is_denied_everything(two_enquiries, nurse, police_officer, now):
    ours, _ = two_enquiries
    for user in (nurse, police_officer):
        with pytest.raises((PermissionDenied, BreakGlassRequired)):
            selectors.enquiry_get_for_user(user=user, enquiry_id=ours.pk, now=now)
        with pytest.raises(PermissionDenied):
            selectors.concern_get_for_user(user=user, concern_id=ours.concern_id, now=now)
    with pytest.raises(PermissionDenied):
        services.enquiry_update(enquiry=ours, by=nurse, now=now, expected_version=1, risk_types=["NEGLECT"])
    assert selectors.enquiries_open(user=nurse, now=now) == []


def test_referring_agency_sees_its_concern_but_not_the_enquiry(council, mash_worker, adult, adult_social_worker, now):
    concern = raise_concern(adult, mash_worker, now)  # raised by the children's front door
    decide(concern, adult_social_worker, now)
    seen = selectors.concern_get_for_user(user=mash_worker, concern_id=concern.pk, now=now)
    assert seen.pk == concern.pk
    assert selectors.concern_detail(user=mash_worker, concern=seen)["enquiries"] == []
    with pytest.raises(PermissionDenied):
        selectors.enquiry_get_for_user(user=mash_worker, enquiry_id=Enquiry.objects.get().pk, now=now)


def test_queue_shows_only_the_councils_undecided_concerns(
    adult_mash_manager, adult_social_worker, adult, now, mash_manager
):
    from datetime import timedelta

    old = raise_concern(adult, adult_mash_manager, now - timedelta(days=7))
    fresh = raise_concern(adult, adult_mash_manager, now)
    decided = raise_concern(adult, adult_mash_manager, now)
    decide(decided, adult_social_worker, now, decision="NFA")
    queue = selectors.concerns_awaiting_decision(user=adult_social_worker, now=now)
    assert [(q.concern_id, q.overdue) for q in queue] == [(old.pk, True), (fresh.pk, False)]
    assert selectors.concerns_awaiting_decision_count(user=adult_social_worker, now=now) == (2, 1)
    page = selectors.concerns_awaiting_decision_page(user=adult_social_worker, now=now)
    assert (page["total"], page["overdue"]) == (2, 1)
    with pytest.raises(PermissionDenied):  # the children's MASH has no part in deciding on adults' concerns
        selectors.concerns_awaiting_decision(user=mash_manager, now=now)


def test_analyst_cannot_read_the_queue(analyst, now):
    with pytest.raises(PermissionDenied):
        selectors.concerns_awaiting_decision(user=analyst, now=now)
