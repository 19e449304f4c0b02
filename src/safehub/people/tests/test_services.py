from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction, AuditEvent
from safehub.people import services
from safehub.people.models import Address, Person


@pytest.mark.django_db
def test_create_person_validates_and_audits(mash_worker):
    person = services.person_create(
        by=mash_worker,
        now=timezone.now(),
        given_name="Ayesha",
        family_name="Khan",
        date_of_birth=date(2016, 3, 2),
        sex="F",
        ethnicity="APKN",
        nhs_number="943 476 5919",
    )
    assert person.nhs_number == "9434765919"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, person_id=person.pk).exists()


@pytest.mark.django_db
def test_bad_nhs_number_is_refused_at_the_field_and_nothing_is_saved(mash_worker):
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(
            by=mash_worker, now=timezone.now(), given_name="Ayesha", family_name="Khan", nhs_number="1234567890"
        )
    assert "nhs_number" in excinfo.value.message_dict
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


@pytest.mark.django_db
def test_future_date_of_birth_is_refused(mash_worker):
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(by=mash_worker, now=timezone.now(), family_name="Khan", date_of_birth=date(2999, 1, 1))
    assert "date_of_birth" in excinfo.value.message_dict


@pytest.mark.django_db
def test_unborn_child_has_expected_date_and_no_name(mash_worker):
    person = services.person_create(
        by=mash_worker, now=timezone.now(), family_name="Smith", expected_date_of_birth=date(2026, 12, 1)
    )
    assert person.is_unborn and person.display_name == "Baby Smith"


@pytest.mark.django_db
def test_stale_edit_is_refused(mash_worker, child):
    now = timezone.now()
    services.person_update(person=child, by=mash_worker, now=now, expected_version=1, first_language="Polish")
    with pytest.raises(StaleEdit):
        services.person_update(person=child, by=mash_worker, now=now, expected_version=1, first_language="Urdu")
    child.refresh_from_db()
    assert child.first_language == "Polish" and child.version == 2


@pytest.mark.django_db
def test_police_cannot_create_people(police_officer):
    with pytest.raises(PermissionDenied):
        services.person_create(by=police_officer, now=timezone.now(), family_name="Smith")


@pytest.mark.django_db
def test_bad_postcode_loses_nothing_and_new_address_ends_old(mash_worker, child):
    now = timezone.now()
    services.address_add(
        person=child, by=mash_worker, now=now, line_1="1 Elm Road", postcode="SO14 7LY", started_date=date(2020, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.address_add(person=child, by=mash_worker, now=now, line_1="2 Oak Road", postcode="NOT A CODE")
    assert Address.objects.filter(person=child).count() == 1
    services.address_add(
        person=child, by=mash_worker, now=now, line_1="2 Oak Road", postcode="so15 5ab", started_date=date(2024, 5, 1)
    )
    old, new = Address.objects.filter(person=child).order_by("started_date")
    assert old.ended_date == date(2024, 4, 30) and new.postcode == "SO15 5AB" and new.ended_date is None


@pytest.mark.django_db
def test_siblings_are_recorded_both_ways(mash_worker, child):
    from safehub.testing.factories import PersonFactory

    sister = PersonFactory(given_name="Maya")
    services.relationship_add(person=child, related=sister, kind="SIBLING", by=mash_worker, now=timezone.now())
    assert sister.relationships.filter(related=child, kind="SIBLING").exists()
    with pytest.raises(ValidationError):
        services.relationship_add(person=child, related=child, kind="PARENT", by=mash_worker, now=timezone.now())
