import json
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from safehub.core.models import AuditAction, AuditEvent
from safehub.frontdoor.models import Contact
from safehub.governance import services
from safehub.governance.models import ReviewStatus
from safehub.governance.sar import REDACTED, subject_access_export, subject_access_pdf
from safehub.people.models import Address
from safehub.testing.factories import (
    AddressFactory,
    ContactFactory,
    LookedAfterEpisodeFactory,
    PersonFactory,
    RelationshipFactory,
)

NOW = datetime(2031, 6, 1, 9, tzinfo=UTC)


def contact_for(person, *, received, source="2A", summary="Concern", referrer="A. Teacher"):
    return ContactFactory(
        person=person, source=source, received_at=received, summary=summary, decision_due_at=received,
        referrer_name=referrer,
    )  # fmt: skip


@pytest.mark.django_db
def test_contact_only_records_fall_due_six_years_after_last_contact():
    person = PersonFactory(date_of_birth=date(2015, 1, 1))
    contact_for(person, received=datetime(2024, 5, 1, tzinfo=UTC))
    rules = services.rules_ensure()
    rule, due = services.retention_due(person, rules)
    assert rule.record_kind == "children_contact_only" and due == date(2030, 5, 1)


@pytest.mark.django_db
def test_looked_after_records_kept_75_years_from_birth():
    person = PersonFactory(date_of_birth=date(2010, 2, 3))
    LookedAfterEpisodeFactory(person=person, start_date=date(2015, 1, 1), end_date=date(2020, 1, 1))
    rule, due = services.retention_due(person, services.rules_ensure())
    assert rule.record_kind == "looked_after" and due == date(2085, 2, 3)


@pytest.mark.django_db
def test_review_then_erase_and_legal_hold_blocks_it(administrator, mash_worker):
    person = PersonFactory(given_name="Keeleigh", family_name="Armitage", date_of_birth=date(2015, 7, 9))
    AddressFactory(person=person, line_1="3 Quay Street", postcode="SO14 3AB")
    contact_for(person, received=datetime(2024, 5, 1, tzinfo=UTC), summary="Keeleigh said she was scared")
    hold = services.legal_hold_place(person=person, reason="Civil claim pending", by=administrator, now=NOW)
    assert services.retention_scan(now=NOW) == []  # held people are not put up for deletion
    services.legal_hold_release(hold=hold, by=administrator, now=NOW)
    [review] = services.retention_scan(now=NOW)
    assert services.retention_scan(now=NOW) == []  # one open review per person
    with pytest.raises(PermissionDenied):
        services.retention_decide(review=review, erase=True, note="", by=mash_worker, now=NOW)
    services.legal_hold_place(person=person, reason="Inquiry", by=administrator, now=NOW)
    with pytest.raises(ValidationError):
        services.retention_decide(review=review, erase=True, note="", by=administrator, now=NOW)
    for h in person.legal_holds.all():
        services.legal_hold_release(hold=h, by=administrator, now=NOW)
    services.retention_decide(review=review, erase=True, note="Past retention", by=administrator, now=NOW)
    person.refresh_from_db()
    review.refresh_from_db()
    contact = Contact.objects.get()
    assert review.status == ReviewStatus.ERASED
    assert person.given_name == "[erased]" and person.date_of_birth == date(2015, 7, 1)
    assert not Address.objects.filter(person=person).exists()
    assert "Keeleigh" not in contact.summary and contact.child_family_name == ""
    assert contact.received_at == datetime(2024, 5, 1, tzinfo=UTC)  # the anonymous fact is kept for statistics
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, person_id=person.pk).exists()


@pytest.mark.django_db
def test_subject_access_export_redacts_third_parties(administrator, mash_worker):
    child = PersonFactory(given_name="Jayden", family_name="Okoro")
    stepdad = PersonFactory(given_name="Marcus", family_name="Bellweather", date_of_birth=date(1985, 1, 1))
    RelationshipFactory(person=child, related=stepdad, kind="POSING_RISK")
    contact_for(
        child,
        received=datetime(2025, 1, 6, tzinfo=UTC),
        source="1A",
        referrer="Nan Okoro",
        summary="Marcus Bellweather shouted at Jayden and pushed him",
    )
    with pytest.raises(PermissionDenied):
        subject_access_export(person=child, by=mash_worker, now=NOW)
    export = subject_access_export(person=child, by=administrator, now=NOW)
    text = json.dumps(export)
    assert "Bellweather" not in text and "Marcus" not in text
    assert "Nan Okoro" not in text  # a member of the public who referred
    assert "Jayden" in text and REDACTED in text
    assert subject_access_pdf(export)[:4] == b"%PDF"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, person_id=child.pk).exists()


@pytest.mark.django_db
def test_sar_command_writes_json_and_pdf(tmp_path, administrator):
    child = PersonFactory()
    call_command("sar", str(child.pk), "--user", administrator.username, "--output", str(tmp_path))
    assert json.loads((tmp_path / "sar.json").read_text())["person"]["given name"] == child.given_name
    assert (tmp_path / "sar.pdf").read_bytes()[:4] == b"%PDF"
