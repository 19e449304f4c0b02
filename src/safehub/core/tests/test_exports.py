"""Prepared exports: asked for on a page, prepared by the task worker as the asker, for the asker alone."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from safehub.core import exports
from safehub.core.exports_models import ExportStatus, PreparedExport
from safehub.core.models import AuditAction, AuditEvent
from safehub.frontdoor.models import Contact
from safehub.testing.factories import ContactFactory, PersonFactory

pytestmark = pytest.mark.django_db
KIND = "frontdoor.police_timeliness"


def _police_contact(person, ref: str) -> Contact:
    now = timezone.now()
    return ContactFactory(
        person=person,
        police_reference=ref,
        received_at=now - timedelta(hours=2),
        incident_recorded_at=now - timedelta(hours=5),
        decision_due_at=now + timedelta(hours=20),
    )


def _params(days: int = 30) -> dict:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=days)).isoformat(), "end": today.isoformat()}


def _ask(user, parameters=None, now=None):
    return exports.export_request(user=user, kind=KIND, parameters=parameters or _params(), now=now or timezone.now())


def test_an_export_is_prepared_as_the_asker_with_everyone_in_it_audited(police_officer):
    people = [PersonFactory() for _ in range(3)]
    for i, p in enumerate(people):
        _police_contact(p, f"PR-{i}")
    export = _ask(police_officer)
    assert export.status == ExportStatus.WAITING and not export.content  # nothing read yet
    assert not AuditEvent.objects.filter(actor=police_officer, action=AuditAction.EXPORT).exists()
    exports.export_prepare(export_id=export.pk, now=timezone.now())
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.rows == 3
    rows = list(csv.DictReader(io.StringIO(bytes(export.content).decode())))
    assert sorted(r["police_reference"] for r in rows) == ["PR-0", "PR-1", "PR-2"]
    audited = set(
        AuditEvent.objects.filter(actor=police_officer, action=AuditAction.EXPORT, person_id__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    assert audited == {p.pk for p in people}
    # Preparing again does nothing: the export is no longer waiting.
    assert exports.export_prepare(export_id=export.pk, now=timezone.now()) is None


def test_only_the_asker_may_open_or_download_it_and_each_download_is_audited(police_officer, mash_worker):
    _police_contact(PersonFactory(), "PR-9")
    export = _ask(police_officer)
    exports.export_prepare(export_id=export.pk, now=timezone.now())
    mine, theirs = Client(), Client()
    mine.force_login(police_officer)
    theirs.force_login(mash_worker)
    base = f"/exports/{export.pk}/"
    assert theirs.get(base).status_code == 404
    assert theirs.get(base + "download/").status_code == 404
    assert "Ready to download" in mine.get(base).content.decode()
    got = mine.get(base + "download/")
    assert got.status_code == 200 and b"PR-9" in got.content and got["Cache-Control"] == "no-store"
    downloads = AuditEvent.objects.filter(
        actor=police_officer, object_type="core.PreparedExport", object_id=str(export.pk)
    )
    assert downloads.count() == 1 and downloads.get().details["downloaded"] is True


def test_an_expired_export_is_gone_and_removed_by_the_next_request(police_officer):
    old = _ask(police_officer, now=timezone.now() - timedelta(hours=25))
    exports.export_prepare(export_id=old.pk, now=timezone.now() - timedelta(hours=25))
    with pytest.raises(PreparedExport.DoesNotExist):
        exports.export_for_download(user=police_officer, export_id=old.pk, now=timezone.now())
    _ask(police_officer)
    assert not PreparedExport.objects.filter(pk=old.pk).exists()


def test_someone_without_the_permission_cannot_ask_and_a_lost_permission_fails_the_export(police_officer, nurse):
    with pytest.raises(PermissionDenied):
        _ask(nurse)
    assert not PreparedExport.objects.exists()
    person = PersonFactory()
    _police_contact(person, "PR-5")
    export = _ask(police_officer)
    police_officer.is_active = False
    police_officer.save()
    exports.export_prepare(export_id=export.pk, now=timezone.now())
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "no longer active" in export.failure and not export.content
    assert not AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.EXPORT).exists()


def test_wrong_parameters_fail_with_a_plain_reason(police_officer):
    today = timezone.localdate()
    export = _ask(police_officer, {"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()})
    exports.export_prepare(export_id=export.pk, now=timezone.now())
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.failure == "the period ends before it starts"
    broken = _ask(police_officer, {"start": "yesterday"})
    exports.export_prepare(export_id=broken.pk, now=timezone.now())
    broken.refresh_from_db()
    assert broken.failure == "the period asked for is not a pair of dates"


def test_the_page_asks_with_a_post_and_the_worker_prepares_it(police_officer, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(police_officer)
    assert client.get("/front-door/police-timeliness/export/").status_code == 405
    page = client.get("/front-door/police-timeliness/").content.decode()
    assert 'action="/front-door/police-timeliness/export/"' in page and "format=csv" not in page
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/front-door/police-timeliness/export/", {"start": "01/11/2025", "end": "30/11/2025"})
    export = PreparedExport.objects.get()
    assert asked["Location"] == f"/exports/{export.pk}/"
    assert export.parameters == {"start": "2025-11-01", "end": "2025-11-30"} and export.status == ExportStatus.READY
