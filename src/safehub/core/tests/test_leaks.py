"""Regression tests for what leaked around the record (issue 24): each fails on the code before it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from safehub.core.actors import command_line
from safehub.core.models import AuditAction, AuditEvent
from safehub.frontdoor import selectors as frontdoor_selectors
from safehub.frontdoor import services as frontdoor_services
from safehub.frontdoor.models import Contact
from safehub.people import policy
from safehub.people import selectors as people_selectors
from safehub.people import services as people_services
from safehub.people.models import Person, SealDecision, SealedAccess
from safehub.testing.factories import (
    TEST_PASSWORD,
    AgencyFactory,
    ContactFactory,
    EducationNotificationFactory,
    InformationRequestFactory,
    InvolvementFactory,
    OutcomeShareFactory,
    PersonFactory,
    RelationshipFactory,
    make_user,
)

pytestmark = pytest.mark.django_db
FAMILY = uuid.UUID("00000000-0000-4000-8000-000000000001")


def _contact(person=None, **over) -> Contact:
    """A police contact received two hours ago about ``person`` (or an unmatched child), in one family."""
    now = timezone.now()
    fields = {
        "person": person,
        "received_at": now - timedelta(hours=2),
        "incident_recorded_at": now - timedelta(hours=5),
        "summary": "Concern",
        "decision_due_at": now + timedelta(hours=20),
        "family_ref": FAMILY,
    }
    if person is None:
        fields |= {"child_given_name": "Unmatched", "child_family_name": "Child"}
    return ContactFactory(**(fields | over))


@pytest.fixture
def siblings(mash_manager):
    """Two siblings; the younger is sealed by the MASH manager (named), the elder stays visible."""
    visible = PersonFactory(given_name="Ellie", family_name="Sealtest", date_of_birth=date(2014, 3, 1))
    sealed = PersonFactory(given_name="Sam", family_name="Sealtest", date_of_birth=date(2016, 5, 9))
    RelationshipFactory(person=visible, related=sealed, kind="SIBLING")
    people_services.person_seal(
        person=sealed, by=mash_manager, reason="Placed for adoption: birth family must not trace", named=[],
        now=timezone.now(),
    )  # fmt: skip
    sealed.refresh_from_db()
    return visible, sealed


# ------------------------------------------------------------------ 1 and 12: sealed people, sealing


def test_sealing_records_reason_decider_and_named_users(siblings, mash_manager, mash_worker):
    _, sealed = siblings
    assert sealed.sealed
    decision = SealDecision.objects.get(person=sealed, action="SEAL")
    assert decision.decided_by == mash_manager and "adoption" in decision.reason
    assert SealedAccess.objects.filter(person=sealed, user=mash_manager).exists()
    assert AuditEvent.objects.filter(person_id=sealed.pk, action=AuditAction.UPDATE, details__seal="sealed").exists()
    # The practitioner, not named, can no longer open it; naming them restores access.
    assert not policy.person_access(mash_worker, sealed).allowed
    people_services.seal_name_user(
        person=sealed,
        username="mash.worker",
        by=mash_manager,
        reason="Allocated worker for the adoption",
        now=timezone.now(),
    )
    assert policy.person_access(mash_worker, sealed).allowed


def test_sealing_needs_a_reason_and_a_manager(mash_worker, mash_manager):
    person = PersonFactory()
    with pytest.raises(PermissionDenied):
        people_services.person_seal(
            person=person, by=mash_worker, reason="A good long reason", named=[], now=timezone.now()
        )
    with pytest.raises(ValidationError):
        people_services.person_seal(person=person, by=mash_manager, reason="short", named=[], now=timezone.now())


def test_a_sealed_sibling_is_not_on_the_visible_siblings_page(siblings, mash_worker):
    visible, sealed = siblings
    data = people_selectors.person_detail(user=mash_worker, person=visible, now=timezone.now())
    assert sealed.pk not in [r["id"] for r in data["relationships"]]
    assert "Sam" not in str(data["relationships"])


def test_a_related_person_the_user_cannot_open_is_not_named(nurse, hospital):
    child, parent = PersonFactory(), PersonFactory(given_name="Parentname", date_of_birth=date(1985, 1, 1))
    RelationshipFactory(person=child, related=parent, kind="PARENT")
    InvolvementFactory(person=child, agency=hospital, kind="PROFESSIONAL", started_at=timezone.now())
    data = people_selectors.person_detail(user=nurse, person=child, now=timezone.now())
    (row,) = data["relationships"]
    assert row["restricted"] and row["name"] == "" and "Parentname" not in str(row)


def test_the_known_child_lookup_does_not_answer_about_a_sealed_child(siblings, mash_worker):
    _, sealed = siblings
    found = [{"person_id": sealed.pk, "name": "Sam Sealtest", "date_of_birth": sealed.date_of_birth}]
    shown = frontdoor_selectors.candidates_visible(user=mash_worker, candidates=found, now=timezone.now(), view="t")
    assert shown == []


def test_the_lookup_page_leaves_out_a_sealed_child(client, siblings, mash_worker):
    _, sealed = siblings
    from safehub.people.matching_service import reset_index

    reset_index()
    client.force_login(mash_worker)
    response = client.post(
        "/front-door/contacts/match/",
        {"prefix": "child-0", "child-0-given_name": "Sam", "child-0-family_name": "Sealtest",
         "child-0-date_of_birth": "09/05/2016"},
    )  # fmt: skip
    assert response.status_code == 200
    assert b"Sealtest" not in response.content and str(sealed.pk).encode() + b"/" not in response.content


def test_the_mash_queue_and_contact_page_hide_a_sealed_child(siblings, mash_worker, mash_manager):
    visible, sealed = siblings
    shown, hidden = _contact(visible), _contact(sealed)
    now = timezone.now()
    ids = [r["id"] for r in frontdoor_selectors.mash_queue_page(user=mash_worker, now=now)["rows"]]
    assert shown.pk in ids and hidden.pk not in ids
    # The named manager still sees it.
    assert hidden.pk in [r["id"] for r in frontdoor_selectors.mash_queue_page(user=mash_manager, now=now)["rows"]]
    with pytest.raises(PermissionDenied):
        frontdoor_selectors.contact_get_for_user(user=mash_worker, contact_id=hidden.pk, now=now)
    page = frontdoor_selectors.contact_page(user=mash_worker, contact=shown, now=now)
    assert hidden.pk not in [s["id"] for s in page["siblings"]]


def test_worklists_addressed_to_an_agency_drop_a_sealed_child(siblings, dsl, school, nurse, hospital):
    _, sealed = siblings
    now = timezone.now()
    contact = _contact(sealed)
    EducationNotificationFactory(
        contact=contact, person=sealed, setting=school, incident_at=now, due_at=now, delivered_at=now, summary="s"
    )
    InformationRequestFactory(
        contact=contact,
        agency=hospital,
        question="Known?",
        requested_at=now,
        due_at=now + timedelta(hours=4),
        requested_by=make_user("fd.sender", "FRONT_DOOR_PRACTITIONER", AgencyFactory(kind="LA_CHILDREN", code="X")),
    )
    assert frontdoor_selectors.notifications_for_setting(user=dsl, now=now) == []
    navigator = make_user("nav.one", "HEALTH_NAVIGATOR", hospital)
    assert frontdoor_selectors.information_queue(user=navigator, now=now)["rows"] == []


# ------------------------------------------------------------------ adult front door


def test_the_adults_front_door_does_not_open_children(db):
    adults = AgencyFactory(kind="LA_ADULTS", code="ASC", name="Adult Social Care")
    manager = make_user("adult.mash", "FRONT_DOOR_MANAGER", adults)
    child, adult = PersonFactory(date_of_birth=date(2015, 1, 1)), PersonFactory(date_of_birth=date(1970, 1, 1))
    assert not policy.person_access(manager, child).allowed
    assert policy.person_access(manager, adult).allowed
    visible = set(policy.persons_visible_to(manager, Person.objects.all()).values_list("pk", flat=True))
    assert adult.pk in visible and child.pk not in visible


# ------------------------------------------------------------------ 5: reads audited


def test_the_mash_queue_audits_every_child_it_names(mash_worker):
    people = [PersonFactory() for _ in range(3)]
    for person in people:
        _contact(person)
    frontdoor_selectors.mash_queue_page(user=mash_worker, now=timezone.now())
    audited = set(
        AuditEvent.objects.filter(actor=mash_worker, action=AuditAction.VIEW, details__list="mash queue").values_list(
            "person_id", flat=True
        )
    )
    assert audited == {p.pk for p in people}


def test_search_results_are_audited_per_person(mash_worker):
    found = PersonFactory(given_name="Zebedee", family_name="Auditcheck")
    people_selectors.person_search(user=mash_worker, query="Zebedee Auditcheck", now=timezone.now())
    assert AuditEvent.objects.filter(actor=mash_worker, person_id=found.pk, details__list="search results").exists()


def test_police_timeliness_csv_is_audited(client, police_officer, django_capture_on_commit_callbacks):
    person = PersonFactory()
    _contact(person, police_reference="PR-1")
    client.force_login(police_officer)
    today = timezone.localdate().strftime("%d/%m/%Y")
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/front-door/police-timeliness/export/", {"start": "01/01/2020", "end": today})
    assert asked.status_code == 302
    page = client.get(asked["Location"])
    assert "Ready to download" in page.content.decode()
    assert AuditEvent.objects.filter(actor=police_officer, person_id=person.pk, action=AuditAction.EXPORT).exists()
    download = client.get(asked["Location"] + "download/")
    assert download.status_code == 200 and b"PR-1" in download.content
    assert download["Content-Disposition"].startswith('attachment; filename="police-timeliness-2020-01-01-')


def _api(user, scopes):
    from safehub.agencies.models import Membership
    from safehub.exchange import services

    agency = Membership.objects.get(user=user).agency
    _, key = services.api_token_create(agency=agency, user=user, scopes=scopes, by=command_line(), now=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_api_notifications_and_every_outcome_read_are_audited(dsl, school, police_officer, police):
    now = timezone.now()
    person = PersonFactory()
    contact = _contact(person)
    EducationNotificationFactory(
        contact=contact, person=person, setting=school, incident_at=now, due_at=now, delivered_at=now, summary="s"
    )
    assert _api(dsl, ["notifications:read"]).get("/api/notifications/").status_code == 200
    assert AuditEvent.objects.filter(actor=dsl, person_id=person.pk, details__list="api notifications").exists()

    OutcomeShareFactory(contact=contact, agency=police, shared_at=now)
    reader = _api(police_officer, ["outcomes:read"])
    reader.get("/api/outcomes/")
    reader.get("/api/outcomes/")  # the second read is a read too, not only the receipt
    assert (
        AuditEvent.objects.filter(actor=police_officer, person_id=person.pk, details__list="api outcomes").count() == 2
    )


# ------------------------------------------------------------------ 9: a write needs the read


def test_a_user_refused_the_contact_cannot_flag_it_late(client, hospital):
    navigator = make_user("nav.two", "HEALTH_NAVIGATOR", hospital)
    contact = _contact(PersonFactory(), police_reference="PR-9")
    client.force_login(navigator)
    assert client.get(f"/front-door/contacts/{contact.pk}/").status_code == 403
    response = client.post(f"/front-door/contacts/{contact.pk}/late/", {"reason": "Arrived two days late"})
    assert response.status_code == 403
    assert not contact.late_flags.exists()
    with pytest.raises(PermissionDenied):
        frontdoor_services.late_flag_raise(contact=contact, reason="late", by=navigator, now=timezone.now())


# ------------------------------------------------------------------ 10: idempotency


def test_an_idempotency_key_reused_with_another_body_is_422(police_officer):
    from safehub.exchange.tests.test_api import contact_body

    client = _api(police_officer, ["contacts:write"])
    first = client.post("/api/contacts/", contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = contact_body(children=[{"family_name": "Brown", "given_name": "Leo", "child_voice": "Quiet"}])
    second = client.post("/api/contacts/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and second.status_code == 422
    assert "Idempotency-Key" in second.json()["detail"]


# ------------------------------------------------------------------ 11: break-glass never a 500


@pytest.mark.parametrize("page", ["edit/", "chronology/print/", "access-log/", ""])
def test_pages_that_need_break_glass_redirect_to_it(client, page, police_officer):
    person = PersonFactory()
    client.force_login(police_officer)
    response = client.get(f"/people/{person.pk}/{page}")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert f"/people/{person.pk}/break-glass/" in response["Location"]


def test_the_duplicates_page_with_a_sealed_pair_is_not_a_500(client, siblings, administrator):
    from safehub.people.models import DuplicateCandidate

    visible, sealed = siblings
    DuplicateCandidate.objects.create(
        person_a=visible, person_b=sealed, probability=0.9, reasons={}, found_at=timezone.now()
    )
    client.force_login(administrator)
    response = client.get("/people/duplicates/")
    assert response.status_code in (200, 302, 403)
    assert b"Sealtest" not in response.content


# ------------------------------------------------------------------ 8: lockout


def test_lockout_counts_username_and_address_separately(client, mash_worker):
    # Five wrong passwords for one user from five addresses still lock that user...
    for i in range(5):
        client.post("/sign-in/", {"username": "mash.worker", "password": "wrong"}, REMOTE_ADDR=f"10.0.1.{i}")
    locked = client.post("/sign-in/", {"username": "mash.worker", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.2.1")
    assert locked.status_code == 429


def test_lockout_stops_an_address_spraying_usernames(client, mash_manager):
    for i in range(5):
        client.post("/sign-in/", {"username": f"nobody{i}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    sprayed = client.post("/sign-in/", {"username": "mash.manager", "password": TEST_PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert sprayed.status_code == 429


def test_the_adults_front_door_has_no_children_s_mash_queue(client, db):
    adults = AgencyFactory(kind="LA_ADULTS", code="ASC2", name="Adult Social Care")
    manager = make_user("adult.mash2", "FRONT_DOOR_MANAGER", adults)
    _contact(None)  # an unmatched child's contact: names a child but no record
    assert not policy.can(manager, "frontdoor.queue")
    client.force_login(manager)
    assert client.get("/front-door/").status_code == 403
