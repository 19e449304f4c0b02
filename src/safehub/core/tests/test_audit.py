import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safehub.core import audit
from safehub.core.models import AuditAction, AuditEvent
from safehub.testing.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_through_the_app(mash_worker):
    event = audit.record(actor=mash_worker, action=AuditAction.VIEW, at=timezone.now())
    event.reason = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_database_trigger_refuses_update_and_delete(mash_worker):
    event = audit.record(actor=mash_worker, action=AuditAction.VIEW, at=timezone.now())
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET reason = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_audit_row_records_agency_of_actor(mash_worker, front_door):
    event = audit.record(actor=mash_worker, action=AuditAction.VIEW, at=timezone.now(), person_id=7)
    assert event.agency_id == front_door.pk
    assert event.actor_username == "mash.worker"
    assert event.person_id == 7


@pytest.mark.django_db
def test_sign_in_and_failed_sign_in_are_audited(client, mash_worker):
    client.post("/sign-in/", {"username": "mash.worker", "password": "wrong-password"})
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, details__username="mash.worker").exists()
    response = client.post("/sign-in/", {"username": "mash.worker", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=mash_worker).count() == 1


@pytest.mark.django_db
def test_audit_search_is_for_administrators_only(client, administrator, mash_worker):
    audit.record(actor=mash_worker, action=AuditAction.VIEW, at=timezone.now(), person_id=42)
    client.force_login(mash_worker)
    assert client.get("/audit/").status_code == 403
    client.force_login(administrator)
    response = client.get("/audit/", {"person_id": 42})
    assert response.status_code == 200
    assert b"mash.worker" in response.content


@pytest.mark.django_db
def test_failing_audit_write_fails_the_action(mash_worker, child, monkeypatch):
    """Fail closed: if the audit row cannot be written, the read is refused."""
    from safehub.people import selectors

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(AuditEvent, "save", broken)
    with pytest.raises(DatabaseError):
        selectors.person_get_for_user(user=mash_worker, person_id=child.pk, now=timezone.now())


def test_a_list_read_writes_one_row_per_person_with_the_lists_name(db):
    """record_list makes its rows in the database from the id list: every field as a model save would."""
    from datetime import UTC, datetime

    from safehub.core import audit
    from safehub.core.models import AuditAction, AuditEvent
    from safehub.testing.factories import MembershipFactory

    user = MembershipFactory().user
    at = datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    assert audit.record_list(actor=user, person_ids=[7, 3, 7, None, 12], at=at, view="a queue") == 3
    rows = list(AuditEvent.objects.filter(details__list="a queue").order_by("person_id"))
    assert [(r.person_id, r.object_id) for r in rows] == [(3, "3"), (7, "7"), (12, "12")]
    first = rows[0]
    assert (first.at, first.actor_id, first.actor_username, first.action, first.object_type) == (
        at, user.pk, user.username, AuditAction.VIEW, "people.Person",
    )  # fmt: skip
    assert first.agency_id == user.membership.agency_id and first.flagged is False and first.ip_address is None
    assert audit.record_list(actor=user, person_ids=[], at=at, view="empty") == 0
