from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from safehub.core.actors import command_line
from safehub.exchange import services
from safehub.frontdoor.models import Contact, OutcomeShare
from safehub.testing.factories import (
    AgencyFactory,
    ContactFactory,
    EducationNotificationFactory,
    OutcomeShareFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_system(police):
    return make_user("police.system", "POLICE_SAFEGUARDING_OFFICER", police)


@pytest.fixture
def other_police(db):
    agency = AgencyFactory(kind="POLICE", code="POL2", name="Other Police")
    return make_user("other.system", "POLICE_SAFEGUARDING_OFFICER", agency)


def client_for(user, scopes):
    from safehub.agencies.models import Membership

    agency = Membership.objects.get(user=user).agency
    token, key = services.api_token_create(
        agency=agency, user=user, scopes=scopes, by=command_line(), now=timezone.now()
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client, token


def contact_body(**over):
    body = {
        "children": [{"family_name": "Smith", "given_name": "Ava", "child_voice": "Said she was scared"}],
        "source": "6",
        "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "incident_recorded_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "summary": "Domestic abuse incident; child present",
        "consent": "NOT_SOUGHT",
        "lawful_basis": "SAFEGUARDING",
        "domestic_abuse_incident": True,
        "presenting_concerns": ["3A"],
    }
    return body | over


def _share(contact_agency, agency):
    contact = ContactFactory(
        person=None, child_family_name="Jones", received_at=timezone.now(), summary="x",
        decision_due_at=timezone.now(), referrer_agency=contact_agency,
    )  # fmt: skip
    return OutcomeShareFactory(contact=contact, agency=agency, shared_at=timezone.now())


def test_push_contact_creates_it_and_idempotency_key_returns_the_same(police_system):
    client, _ = client_for(police_system, ["contacts:write"])

    body = contact_body()  # a retry sends the very same request
    first = client.post("/api/contacts/", body, format="json", HTTP_IDEMPOTENCY_KEY="inc-42")
    again = client.post("/api/contacts/", body, format="json", HTTP_IDEMPOTENCY_KEY="inc-42")

    assert first.status_code == 201 and again.status_code == 200, first.json()
    assert first.json()[0]["id"] == again.json()[0]["id"]
    assert Contact.objects.count() == 1 and Contact.objects.get().created_by == police_system


def test_push_contact_validation_errors_are_400_with_fields(police_system):
    client, _ = client_for(police_system, ["contacts:write"])

    response = client.post("/api/contacts/", contact_body(incident_recorded_at=None), format="json")

    assert response.status_code == 400
    assert "incident_recorded_at" in response.json()["errors"]


def test_token_without_scope_is_refused(police_system):
    client, _ = client_for(police_system, ["outcomes:read"])

    assert client.post("/api/contacts/", contact_body(), format="json").status_code == 403
    assert Contact.objects.count() == 0


def test_revoked_token_is_refused(police_system):
    client, token = client_for(police_system, ["outcomes:read"])
    assert client.get("/api/outcomes/").status_code == 200

    services.api_token_revoke(token=token, by=command_line(), now=timezone.now())

    assert client.get("/api/outcomes/").status_code == 401


def test_no_token_or_bad_token_is_refused(police_system):
    assert APIClient().get("/api/outcomes/").status_code in (401, 403)
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer shb_not-a-token")
    assert bad.get("/api/outcomes/").status_code == 401


def test_session_user_cannot_use_the_agency_api(police_system):
    client = APIClient()
    client.force_authenticate(user=police_system)
    assert client.get("/api/outcomes/").status_code == 403


def test_outcomes_only_for_own_agency_and_reading_marks_receipt(police_system, other_police, police):
    from safehub.agencies.models import Membership

    mine = _share(police, police)
    theirs = _share(police, Membership.objects.get(user=other_police).agency)
    client, _ = client_for(police_system, ["outcomes:read"])

    body = client.get("/api/outcomes/").json()

    assert [r["id"] for r in body["results"]] == [mine.pk]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_by == police_system and theirs.read_at is None


def test_outcomes_since_filters_and_paginates(police_system, police):
    old = _share(police, police)
    OutcomeShare.objects.filter(pk=old.pk).update(shared_at=timezone.now() - timedelta(days=5))
    new = _share(police, police)
    client, _ = client_for(police_system, ["outcomes:read"])

    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    body = client.get("/api/outcomes/", {"since": since, "limit": 1}).json()

    assert body["count"] == 1 and body["results"][0]["id"] == new.pk
    assert client.get("/api/outcomes/", {"since": "yesterday"}).status_code == 400


def test_notifications_for_own_setting_and_acknowledge(dsl, school, police):
    other_school = AgencyFactory(kind="SCHOOL", code="SCH2", name="Elm School")
    child = PersonFactory()
    contact = ContactFactory(
        person=None, child_family_name="Jones", received_at=timezone.now(), summary="x",
        decision_due_at=timezone.now(),
    )  # fmt: skip
    mine, theirs = (
        EducationNotificationFactory(
            contact=contact,
            person=child,
            setting=setting,
            incident_at=timezone.now(),
            due_at=timezone.now(),
            delivered_at=timezone.now(),
            summary="s",
        )  # fmt: skip
        for setting in (school, other_school)
    )
    reader, _ = client_for(dsl, ["notifications:read"])

    assert [n["id"] for n in reader.get("/api/notifications/").json()["results"]] == [mine.pk]
    assert reader.post(f"/api/notifications/{mine.pk}/acknowledge/").status_code == 403  # no write scope

    writer, _ = client_for(dsl, ["notifications:write"])
    assert writer.post(f"/api/notifications/{theirs.pk}/acknowledge/").status_code == 404
    response = writer.post(f"/api/notifications/{mine.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None


def test_token_user_must_belong_to_the_agency(police_system, school):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.api_token_create(
            agency=school, user=police_system, scopes=["outcomes:read"], by=command_line(), now=timezone.now()
        )


def test_only_administrators_make_tokens(police_system, police, administrator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.api_token_create(
            agency=police, user=police_system, scopes=["outcomes:read"], by=police_system, now=timezone.now()
        )
    token, key = services.api_token_create(
        agency=police, user=police_system, scopes=["outcomes:read"], by=administrator, now=timezone.now()
    )
    assert key.startswith("shb_") and token.key_hash != key


def test_api_token_command_creates_and_revokes(police_system, capsys):
    from django.core.management import call_command

    from safehub.exchange.models import ApiToken

    call_command(
        "api_token", "create", "--agency", "POL", "--user", "police.system", "--scopes", "contacts:write,outcomes:read"
    )
    token = ApiToken.objects.get()
    assert token.scopes == ["contacts:write", "outcomes:read"]
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("shb_")
    call_command("api_token", "revoke", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/contacts/" in schema.content and b"agencyToken" in schema.content
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_since_must_be_a_real_time(police_officer):
    client, _ = client_for(police_officer, ["outcomes:read"])
    assert client.get("/api/outcomes/", {"since": "0187-11-17T01:18:52+18:09"}).status_code == 400
    assert client.get("/api/outcomes/", {"since": "2025-04-01T00:00:00+01:00"}).status_code == 200
